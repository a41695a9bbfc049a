# Sourced by ./test.sh and ./run.sh: the environment every RagPlatform tool and test agrees on.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${RAG_SHARED_DIR:-}" ]; then
  # ../shared beside the checkout on project machines and CI; a fetched copy in a user's clone.
  if [ -d "$root/../shared/models" ]; then RAG_SHARED_DIR="$(cd "$root/../shared" && pwd)"; else RAG_SHARED_DIR="$root/.data/shared"; fi
fi
export RAG_SHARED_DIR
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
