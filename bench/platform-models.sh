# Sourced by bench/platform-ask.sh and bench/platform-soak.sh: the models the platform runs
# with (MODELS: tiny (default) or real, forged if missing) and the Release build of bench/Platform.
# Sets: models, platform_bench (the command line that runs bench/Platform).
models="${MODELS:-tiny}"
if [ "$models" = real ]; then
  bash scripts/forge-models.sh --size real --models minilm-embedder,minilm-reranker,qwen2.5
else
  bash scripts/setup/forge-tiny.sh
fi
release_build bench/Platform
platform_bench=(dotnet bench/Platform/bin/Release/net10.0/RagPlatform.Bench.Platform.dll)
