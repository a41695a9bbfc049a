#!/usr/bin/env bash
# How hybrid retrieval fuses and how extractive answers pick sentences (docs/BENCHMARKS.md, "Fusion" and
# "Extractive answers"), with each real embedder on SQuAD dev: bench/SquadRetrieval `fusion` (every rule and weight of
# the grid, hit@1/5/20 and MRR@20 on all 2,910 answerable questions and on each half; the best setting that keeps hybrid
# hit@1 >= lexical and hit@5 >= 0.97) and `extractive` (the share of questions whose top quoted sentence holds a gold
# answer, per sentence-scoring weight). Vectors are cached under artifacts/, so a second run only searches.
#
#   bench/squad-fusion.sh [--limit N]     # env: MODELS (minilm-embedder arctic-embed-xs), THREADS
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

threads="${THREADS:-$(nproc)}"
out="$root/artifacts/bench/squad-fusion"
bash scripts/setup/shared-assets.sh
bash scripts/setup/real-embedder.sh
release_build bench/SquadRetrieval
bench=(dotnet "$root/bench/SquadRetrieval/bin/Release/net10.0/RagPlatform.Bench.SquadRetrieval.dll")
for model in ${MODELS:-minilm-embedder arctic-embed-xs}; do
  mkdir -p "$out/$model"
  echo "squad-fusion.sh: $model; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  for command in fusion extractive; do
    "${bench[@]}" "$command" --squad "$RAG_SHARED_DIR/data/squad-v2/dev-v2.0.json" --model "$root/.models/real/$model" \
      --work "$out/$model/work" --threads "$threads" "$@" >"$out/$model/$command.jsonl"
  done
  tail -n 2 "$out/$model/fusion.jsonl"
done
