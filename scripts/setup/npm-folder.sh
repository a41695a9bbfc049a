#!/usr/bin/env bash
# Installs a node folder of this repository (one with package.json and package-lock.json) with `npm ci`.
# Idempotent and safe to run side by side: a no-op while node_modules matches the lock file, and concurrent runs for
# one folder wait for each other instead of racing inside node_modules.
#
#   bash scripts/setup/npm-folder.sh DIR
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="$(cd "${1:?usage: npm-folder.sh DIR}" && pwd)"
stamp="$dir/node_modules/.ragplatform-lock.sha256"
want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
installed() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; }
installed && exit 0

mkdir -p "$repo_root/.cache"
exec 9>"$repo_root/.cache/npm-$(echo "$dir" | sha256sum | cut -c1-16).lock"
flock 9
installed && exit 0

echo "npm-folder.sh: npm ci in ${dir#"$repo_root"/}" >&2
# onnxruntime-node's install script would fetch CUDA binaries; the CPU build it ships is all we use. Native addons
# (hnswlib-node) compile here with node-gyp and node's bundled headers.
(cd "$dir" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
  echo "npm-folder.sh: error: npm ci failed in $dir; check that the npm registry is reachable" >&2
  exit 1
}
echo "$want" >"$stamp"
