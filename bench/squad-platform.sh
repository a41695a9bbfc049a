#!/usr/bin/env bash
# SQuAD dev through the platform with the shipped defaults (docs/BENCHMARKS.md, "SQuAD dev through the gateway"): the
# five services as real processes with each real embedder (.models/real, from NuGet), the forged reranker and generator
# (so reranking is skipped and answers are extractive), the 646 paragraphs ingested through the gateway, every
# answerable question asked in each mode (hybrid, lexical, dense; topK and topN 20): hit@1/5/20 of the gold paragraph
# among the answer's passages, and how often the extractive answer's first sentence holds a gold answer span.
#
#   bench/squad-platform.sh     # env: EMBEDDERS (arctic-embed-xs minilm-embedder), LIMIT (0 = all 2,910), MODES (hybrid,lexical,dense)
# Results: artifacts/bench/platform/squad-<embedder>.{json,md}; exit 1 when any ask failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

bash scripts/setup/shared-assets.sh
bash scripts/setup/real-embedder.sh
bash scripts/setup/forge-tiny.sh
release_build bench/Platform
for embedder in ${EMBEDDERS:-arctic-embed-xs minilm-embedder}; do
  dotnet bench/Platform/bin/Release/net10.0/RagPlatform.Bench.Platform.dll squad --embedder "$root/.models/real/$embedder" \
    --limit "${LIMIT:-0}" --modes "${MODES:-hybrid,lexical,dense}"
done
