#!/usr/bin/env bash
# Installs the grpc-js peer of the gRPC interop tests (tests/node/grpc-interop) from its lock file.
# Idempotent: does nothing when node_modules already matches package-lock.json.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$repo/tests/node/grpc-interop"
command -v node >/dev/null 2>&1 || { echo "grpc-interop: node is required (>= 18)" >&2; exit 1; }
installed="$dir/node_modules/.package-lock.json"
if [ -f "$installed" ] && [ "$installed" -nt "$dir/package-lock.json" ] && [ -d "$dir/node_modules/@grpc/grpc-js" ]; then
  exit 0
fi
echo "grpc-interop: npm ci in tests/node/grpc-interop"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
