#!/usr/bin/env bash
# Generator benchmark: time to first token and tokens/s, in-process vs the Generator service, 1 and 4 streams, on the
# REAL-size forged decoders (qwen2.5 ≈ 2 GB, smollm2 ≈ 0.5 GB; forge them with scripts/forge-models.sh --size real).
# Bounded: 32 new tokens per stream by default (TOKENS=...). Prints a Markdown table for docs/BENCHMARKS.md.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
tokens="${TOKENS:-32}"
dotnet build -c Release "$repo/services/Generator/RagPlatform.Generator.csproj" -v q -nologo >/dev/null
dotnet build -c Release "$repo/bench/GeneratorService/RagPlatform.Bench.GeneratorService.csproj" -v q -nologo >/dev/null
models=()
for m in qwen2.5 smollm2; do
  [[ -f "$repo/.models/forged/real/$m/config.json" ]] && models+=("$repo/.models/forged/real/$m")
done
[[ ${#models[@]} -gt 0 ]] || { echo "No real-size models: run scripts/forge-models.sh --size real" >&2; exit 1; }
dotnet "$repo/bench/GeneratorService/bin/Release/net10.0/RagPlatform.Bench.GeneratorService.dll" \
  "$repo/services/Generator/bin/Release/net10.0/RagPlatform.Generator.dll" "${models[@]}" --tokens "$tokens"
