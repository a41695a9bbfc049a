#!/usr/bin/env bash
# int8 vs float32 embedder (docs/BENCHMARKS.md, "int8 embedder"), in one run:
#  - speed: sentences/s of the C# embedding pipeline at batch 1 and 32 on the real-size all-MiniLM-L6-v2
#    architecture, 128-token inputs, float32 and its `rag models quantize` output interleaved ROUNDS times;
#  - quality (real weights only): cosine of each int8 embedding to its float32 one over SQuAD texts, the published
#    pair similarities, and SQuAD dev retrieval (bench/SquadRetrieval: hit@1/5 dense and hybrid) for float32,
#    per-channel int8 (the default) and per-tensor int8 (the alternative the default was chosen over).
# Goal: int8 >= 1.8x float32 sentences/s at batch 32; dense hit@5 within 1 point of float32.
#
#   bench/quantization.sh   # env: EMBEDDER_DIR (real weights, default .models/real/minilm-embedder: without them only
#                           #      speed is measured, on the forged real-size model), ROUNDS (3), EMBED_SECONDS (6),
#                           #      THREADS (nproc), QUALITY (1; 0 skips the SQuAD runs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

rounds="${ROUNDS:-3}"
embed_seconds="${EMBED_SECONDS:-6}"
threads="${THREADS:-$(nproc)}"
real="${EMBEDDER_DIR:-$root/.models/real/minilm-embedder}"
quality="${QUALITY:-1}"
out="$root/artifacts/bench/quantization"
log() { echo "quantization.sh: $*" >&2; }

bash scripts/setup/shared-assets.sh
bash scripts/setup/onnxruntime.sh
bash scripts/forge-models.sh --size real --models minilm-embedder
release_build services/Cli
release_build bench/ModelRuntime
release_build bench/SquadRetrieval
rag=(dotnet "$root/services/Cli/bin/Release/net10.0/rag.dll")
bench=(dotnet "$root/bench/ModelRuntime/bin/Release/net10.0/RagPlatform.Bench.ModelRuntime.dll")
squad=(dotnet "$root/bench/SquadRetrieval/bin/Release/net10.0/RagPlatform.Bench.SquadRetrieval.dll")

mkdir -p "$out"
results="$out/results.jsonl"
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "{\"machine\":\"$machine\",\"loadStart\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >"$results"
log "machine: $machine; load $(cut -d' ' -f1-3 /proc/loadavg)"
# Each result line is tagged with the variant it measured.
run() {
  local variant="$1"
  shift
  "$@" | sed "s/^{/{\"variant\":\"$variant\",/" | tee -a "$results"
}

has_real=false
[ -f "$real/config.json" ] && has_real=true
speed_model="$root/.models/forged/real/minilm-embedder"
if [ "$has_real" = true ]; then speed_model="$real"; fi
"${rag[@]}" models quantize "$speed_model" --out "$out/models/int8" >&2
echo "{\"speedModel\":\"$speed_model\",\"realWeights\":$has_real}" >>"$results"

"${bench[@]}" prepare-embed --model "$speed_model" --tokens 128 --count 32 --shared "$RAG_SHARED_DIR" --out "$out/embed-inputs.json" >/dev/null
for round in $(seq "$rounds"); do
  for batch in 1 32; do
    log "speed round $round, batch $batch"
    run fp32 "${bench[@]}" embed --model "$speed_model" --inputs "$out/embed-inputs.json" --batch "$batch" --seconds "$embed_seconds" --threads "$threads"
    run int8 "${bench[@]}" embed --model "$out/models/int8" --inputs "$out/embed-inputs.json" --batch "$batch" --seconds "$embed_seconds" --threads "$threads"
  done
done

if [ "$has_real" = true ] && [ "$quality" = 1 ]; then
  "${rag[@]}" models quantize "$real" --granularity per-tensor --out "$out/models/int8-per-tensor" >&2
  run int8 "${bench[@]}" quantized-compare --model "$real" --quantized "$out/models/int8" --shared "$RAG_SHARED_DIR" --threads "$threads"
  run int8-per-tensor "${bench[@]}" quantized-compare --model "$real" --quantized "$out/models/int8-per-tensor" --shared "$RAG_SHARED_DIR" --threads "$threads"
  for variant in fp32 int8 int8-per-tensor; do
    model="$real"
    [ "$variant" = fp32 ] || model="$out/models/$variant"
    log "SQuAD dev retrieval with $variant"
    run "$variant" "${squad[@]}" run --squad "$RAG_SHARED_DIR/data/squad-v2/dev-v2.0.json" --model "$model" --work "$out/index-$variant" --threads "$threads"
  done
else
  log "no real weights at $real (or QUALITY=0): quality not measured (forged weights would make it noise)"
fi

echo "{\"loadEnd\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$results"
node bench/node/summaries/quantization.mjs "$results" | tee "$out/summary.md"
