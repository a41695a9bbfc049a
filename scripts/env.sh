# Sourced by ./test.sh and ./run.sh: the environment every RagPlatform tool and test agrees on.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${RAG_SHARED_DIR:-}" ]; then
  # ../shared beside the checkout on project machines and CI; a fetched copy in a user's clone.
  if [ -d "$root/../shared/models" ]; then RAG_SHARED_DIR="$(cd "$root/../shared" && pwd)"; else RAG_SHARED_DIR="$root/.data/shared"; fi
fi
export RAG_SHARED_DIR
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Builds a project in Release, silent on success; on failure prints the compiler's errors (a bare `>/dev/null` would
# swallow them with the build's other output, and the calling script would stop without saying why).
release_build() {
  local output
  output="$(dotnet build "$1" -c Release -nologo -v q -clp:ErrorsOnly 2>&1)" || {
    echo "$output" >&2
    echo "error: dotnet build $1 failed" >&2
    return 1
  }
}
