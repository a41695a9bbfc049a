#!/usr/bin/env bash
# Which real embedder should be the default (docs/BENCHMARKS.md, "Choosing the default embedder"): SQuAD dev retrieval
# (lexical, dense, hybrid; hit@1/5/10/20, MRR@20) with each real embedder installed from its NuGet package
# (.models/real: all-MiniLM-L6-v2, mean pooling; snowflake-arctic-embed-xs, CLS pooling and its query instruction),
# run one after the other by bench/squad-retrieval.sh and printed side by side, ranked by hybrid hit@5.
# Quality figures hold on any machine; the embedding rates only on a quiet one.
#
#   bench/squad-embedders.sh [--limit N]     # --limit: N questions spread over the set (a quick check); env: THREADS
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

out="$root/artifacts/bench/squad-embedders"
models=(minilm-embedder arctic-embed-xs)
bash scripts/setup/real-embedder.sh
results=()
for model in "${models[@]}"; do
  echo "squad-embedders.sh: $model" >&2
  EMBEDDER_DIR="$root/.models/real/$model" SQUAD_OUT="$out/$model" bash bench/squad-retrieval.sh "$@" >/dev/null
  results+=("$out/$model/results.jsonl")
done
node bench/node/summaries/squad-embedders.mjs "${results[@]}" | tee "$out/summary.md"
