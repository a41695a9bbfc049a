#!/usr/bin/env bash
# Time to first token for a long prompt (docs/BENCHMARKS.md, "Generator prefill"), before and after the LM head
# computes the last position only, in one run on the real-size Qwen2.5-0.5B architecture (forged weights: speed does
# not depend on their values). Timed alternately ROUNDS times each, every one a fresh process (bench/ModelRuntime
# decode: the C# generator; TTFT = prompt fed + first token sampled):
#   full                - logits for every prompt position, the head as Optimum exports it (what a pulled model does
#                         today: scripts/forge-models.sh --logits all), prefilled in the generator's 110-token passes
#                         (the 64 MiB bound on one pass's logits)
#   optimized, 110      - `rag models optimize` of `full` (Slice of the last position before the head), same passes:
#                         the head's share alone
#   optimized, default  - the same model as the generator now runs it: 512-token passes, as only one logits row
#                         comes back per pass (before -> after for a user)
#   forged, default     - the forge's own export (Gather of the last position before the tied Gemm head)
# Goal: optimized (default) >= 1.3x faster than full.
#
#   bench/generator-prefill.sh   # env: PROMPT_TOKENS (1000), ROUNDS (3), THREADS (nproc)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

prompt_tokens="${PROMPT_TOKENS:-1000}"
rounds="${ROUNDS:-3}"
threads="${THREADS:-$(nproc)}"
out="$root/artifacts/bench/generator-prefill"
full_dir="$root/.models/forged/real-full-logits"
log() { echo "generator-prefill.sh: $*" >&2; }

bash scripts/setup/onnxruntime.sh
bash scripts/forge-models.sh --size real --models qwen2.5
bash scripts/forge-models.sh --size real --models qwen2.5 --logits all --out "$full_dir"
release_build services/Cli
release_build bench/ModelRuntime
dotnet "$root/services/Cli/bin/Release/net10.0/rag.dll" models optimize "$full_dir/qwen2.5" >&2
bench=(dotnet "$root/bench/ModelRuntime/bin/Release/net10.0/RagPlatform.Bench.ModelRuntime.dll")
declare -A models=([full]="$full_dir/qwen2.5" [optimized]="$full_dir/qwen2.5-optimized" [forged]="$root/.models/forged/real/qwen2.5")

mkdir -p "$out"
results="$out/results.jsonl"
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "{\"machine\":\"$machine\",\"loadStart\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"promptTokens\":$prompt_tokens}" >"$results"
log "machine: $machine; load $(cut -d' ' -f1-3 /proc/loadavg)"

for round in $(seq "$rounds"); do
  for run in full:default optimized:110 optimized:default forged:default; do
    variant="${run%%:*}"
    chunk="${run##*:}"
    log "round $round: $variant, prefill chunk $chunk"
    extra=()
    [ "$chunk" = default ] || extra=(--prefill-chunk "$chunk")
    "${bench[@]}" decode --model "${models[$variant]}" --prompt-tokens "$prompt_tokens" --new-tokens 1 --threads "$threads" "${extra[@]}" |
      sed "s/^{/{\"variant\":\"$variant\",\"chunk\":\"$chunk\",/" | tee -a "$results"
  done
done

echo "{\"loadEnd\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$results"
node bench/node/summaries/generator-prefill.mjs "$results" | tee "$out/summary.md"
