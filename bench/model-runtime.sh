#!/usr/bin/env bash
# Model-runtime benchmarks (docs/BENCHMARKS.md, "Model runtime"):
#  - embedding sentences/s at batch 1 and 32 on the real-size all-MiniLM-L6-v2 architecture, 128-token inputs:
#    the C# pipeline vs a raw onnxruntime-node session vs the transformers.js pipeline (same file, ids, threads);
#  - decode tokens/s on real-size Qwen2.5-0.5B and SmolLM2-135M: the C# generator vs transformers.js generate,
#    beside the memory-bandwidth bound, with each process's peak RSS.
# Peers run interleaved, ROUNDS times each, so load from elsewhere on the machine hits them alike; the summary
# shows the best and the median. Every measurement is bounded (a fixed duration or token count): a few minutes.
#
#   bench/model-runtime.sh            # env: ROUNDS (3), EMBED_SECONDS (6), THREADS (nproc), DECODE_MODELS
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

rounds="${ROUNDS:-3}"
embed_seconds="${EMBED_SECONDS:-6}"
threads="${THREADS:-$(nproc)}"
decode_models="${DECODE_MODELS:-smollm2:64 qwen2.5:32}"
out="$root/artifacts/bench/model-runtime"
node_dir="$root/bench/node/model-runtime"
models="$root/.models/forged/real"

bash scripts/forge-models.sh --size real --models minilm-embedder,qwen2.5,smollm2
bash scripts/setup/npm-folder.sh "$node_dir"
release_build bench/ModelRuntime
bench=(dotnet "$root/bench/ModelRuntime/bin/Release/net10.0/RagPlatform.Bench.ModelRuntime.dll")

mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"
log() { echo "model-runtime.sh: $*" >&2; }
run() { "$@" | tee -a "$results"; }

log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
"${bench[@]}" prepare-embed --model "$models/minilm-embedder" --tokens 128 --count 32 --shared "$RAG_SHARED_DIR" --out "$out/embed-inputs.json" >/dev/null

run "${bench[@]}" bandwidth --mb 1024 --seconds 3 --threads 1
run "${bench[@]}" bandwidth --mb 1024 --seconds 3 --threads "$threads"

for round in $(seq "$rounds"); do
  for batch in 1 32; do
    log "embedding round $round, batch $batch"
    run "${bench[@]}" embed --model "$models/minilm-embedder" --inputs "$out/embed-inputs.json" --batch "$batch" --seconds "$embed_seconds" --threads "$threads"
    run node "$node_dir/embed-ort.mjs" --model "$models/minilm-embedder/onnx/model.onnx" --inputs "$out/embed-inputs.json" --batch "$batch" --seconds "$embed_seconds" --threads "$threads"
    run node "$node_dir/embed-transformers.mjs" --model "$models/minilm-embedder" --inputs "$out/embed-inputs.json" --batch "$batch" --seconds "$embed_seconds" --threads "$threads"
  done
done

for entry in $decode_models; do
  model="${entry%%:*}"
  tokens="${entry##*:}"
  for round in $(seq 2); do
    log "decode $model round $round ($tokens tokens)"
    run "${bench[@]}" decode --model "$models/$model" --prompt-tokens 32 --new-tokens "$tokens" --threads "$threads"
    run node "$node_dir/decode-transformers.mjs" --model "$models/$model" --prompt-tokens 32 --new-tokens "$tokens" --threads "$threads"
  done
done

log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
node "$node_dir/summarize.mjs" "$results" | tee "$out/summary.md"
