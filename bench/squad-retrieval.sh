#!/usr/bin/env bash
# SQuAD retrieval quality (docs/BENCHMARKS.md, "Retrieval quality: SQuAD dev"): the 646 paragraphs of the shared SQuAD
# 2.0 dev set in an EmbeddedIndex, every answerable question (2,910) asked lexically (BM25), densely and hybrid (RRF),
# scored by RagPlatform.Evaluation: the share of questions whose paragraph is in the top 1/5/10/20, and MRR@20.
# Beside each mode, what a ranking that ignores the question would score.
#
#   bench/squad-retrieval.sh [--limit N]   # --limit: N questions spread over the set (a quick check)
#     env: EMBEDDER_DIR (default: the forged real-size all-MiniLM-L6-v2, random weights; the real embedders are in
#          .models/real/{minilm-embedder,arctic-embed-xs} after scripts/setup/real-embedder.sh — bench/squad-embedders.sh
#          runs both), SQUAD_OUT (results folder), THREADS
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

threads="${THREADS:-$(nproc)}"
embedder="${EMBEDDER_DIR:-$root/.models/forged/real/minilm-embedder}"
out="${SQUAD_OUT:-$root/artifacts/bench/squad-retrieval}"
log() { echo "squad-retrieval.sh: $*" >&2; }

bash scripts/setup/shared-assets.sh   # SQuAD dev in $RAG_SHARED_DIR (../shared, or fetched and checked)
[ -n "${EMBEDDER_DIR:-}" ] || bash scripts/forge-models.sh --size real --models minilm-embedder
release_build bench/SquadRetrieval

mkdir -p "$out"
results="$out/results.jsonl"
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "{\"machine\":\"$machine\",\"loadStart\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"embedder\":\"$embedder\"}" >"$results"
log "machine: $machine; load $(cut -d' ' -f1-3 /proc/loadavg); embedder $embedder"
dotnet "$root/bench/SquadRetrieval/bin/Release/net10.0/RagPlatform.Bench.SquadRetrieval.dll" run \
  --squad "$RAG_SHARED_DIR/data/squad-v2/dev-v2.0.json" --model "$embedder" --work "$out/index" --threads "$threads" "$@" | tee -a "$results"
echo "{\"loadEnd\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$results"
node bench/node/summaries/squad-retrieval.mjs "$results" | tee "$out/summary.md"
