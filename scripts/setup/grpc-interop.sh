#!/usr/bin/env bash
# Installs the grpc-js peer of the gRPC interop tests (tests/node/grpc-interop) from its lock file.
# Idempotent: does nothing when node_modules already matches package-lock.json.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$repo/tests/node/grpc-interop"
command -v node >/dev/null 2>&1 || { echo "grpc-interop: node is required (>= 18)" >&2; exit 1; }
bash "$repo/scripts/setup/npm-folder.sh" "$dir"
