#!/usr/bin/env bash
# Reranker time (docs/BENCHMARKS.md, "Reranker: 20 passages"), in ONE run on the real-size ms-marco-MiniLM-L-6
# architecture (forged weights: no real cross-encoder weights can be had here; the time does not depend on them):
#  - in-process, interleaved ROUNDS times over QUESTIONS SQuAD dev questions with 20 paragraphs each: float32 with
#    every run padded to its longest pair (before), float32 in length buckets, int8 (`rag models quantize`) in length
#    buckets; the largest score difference of each against the padded float32 run;
#  - the Reranker service with 4 concurrent callers: one call per batch (before) against concurrent calls batched.
# Goal: 20 passages in <= 1.0 s on 2 cores.
#
#   bench/reranker.sh      # env: RERANKER_DIR (default: the forged real-size model; a pulled real one also measures how
#                          #      often int8 keeps float32's top passage), ROUNDS (3), QUESTIONS (12), SERVICE_SECONDS (30,
#                          #      per service variant), THREADS (nproc)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

threads="${THREADS:-$(nproc)}"
out="$root/artifacts/bench/reranker"
model="${RERANKER_DIR:-$root/.models/forged/real/minilm-reranker}"
log() { echo "reranker.sh: $*" >&2; }

bash scripts/setup/shared-assets.sh
[ -n "${RERANKER_DIR:-}" ] || bash scripts/forge-models.sh --size real --models minilm-reranker
release_build services/Cli
release_build services/Reranker
release_build bench/ModelRuntime
mkdir -p "$out"
dotnet "$root/services/Cli/bin/Release/net10.0/rag.dll" models quantize "$model" --out "$out/minilm-reranker-int8" --force >&2
results="$out/results.jsonl"
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "{\"machine\":\"$machine\",\"loadStart\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" | tee "$results"
log "machine: $machine; load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$root/bench/ModelRuntime/bin/Release/net10.0/RagPlatform.Bench.ModelRuntime.dll" rerank --model "$model" --int8 "$out/minilm-reranker-int8" \
  --squad "$RAG_SHARED_DIR/data/squad-v2/dev-v2.0.json" --threads "$threads" --rounds "${ROUNDS:-3}" --questions "${QUESTIONS:-12}" \
  --seconds "${SERVICE_SECONDS:-30}" | tee -a "$results"
echo "{\"loadEnd\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" | tee -a "$results"
