#!/usr/bin/env bash
# Model services benchmark: embedder texts/s (service over gRPC vs in-process) at 1, 8 and 64 clients, reranker
# pairs/s. Uses the real-size forged models (scripts/forge-models.sh --size real). Bounded: ~6 × (SECONDS + 1) s + start-up.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ -f "$repo/.models/forged/real/minilm-embedder/forge.json" ] || bash "$repo/scripts/forge-models.sh" --size real
dotnet build "$repo/bench/ModelServices" -c Release --nologo -v q
dotnet "$repo/bench/ModelServices/bin/Release/net10.0/RagPlatform.Bench.ModelServices.dll" --seconds "${SECONDS_PER_RUN:-8}" "$@"
