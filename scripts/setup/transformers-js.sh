#!/usr/bin/env bash
# Installs the transformers.js oracle folder (tests/node/transformers: @huggingface/transformers 4.3.1,
# which pulls onnxruntime-node 1.30.0 and @huggingface/jinja, plus the Rust tokenizers binding) with
# `npm ci` from its lock file. Idempotent: a no-op while node_modules matches package-lock.json.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly dir="$repo_root/tests/node/transformers"
readonly stamp="$dir/node_modules/.ragplatform-lock.sha256"

fail() {
  echo "transformers-js.sh: error: $*" >&2
  exit 1
}

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "transformers-js.sh: installing Node.js from apt"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends nodejs >/dev/null
  command -v npm >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends npm >/dev/null
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
[ "$major" -ge 18 ] || fail "Node.js 18 or newer is required (found $(node --version))"

want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

# Parallel test runs wait for one another instead of racing inside node_modules.
mkdir -p "$repo_root/.cache"
exec 9>"$repo_root/.cache/transformers-js.lock"
flock 9
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

echo "transformers-js.sh: npm ci in tests/node/transformers"
# onnxruntime-node's install script would fetch CUDA binaries; the CPU build it ships is all we use.
(cd "$dir" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
  fail "npm ci failed in $dir; check that the npm registry is reachable"
echo "$want" >"$stamp"
echo "transformers-js.sh: installed $(cd "$dir" && node -p 'require("./node_modules/@huggingface/transformers/package.json").version')"
