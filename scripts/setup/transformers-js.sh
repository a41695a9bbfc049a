#!/usr/bin/env bash
# Installs the transformers.js oracle folder (tests/node/transformers: @huggingface/transformers 4.3.1,
# which pulls onnxruntime-node 1.30.0 and @huggingface/jinja, plus the Rust tokenizers binding) with
# `npm ci` from its lock file. Idempotent: a no-op while node_modules matches package-lock.json.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly dir="$repo_root/tests/node/transformers"

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

bash "$repo_root/scripts/setup/npm-folder.sh" "$dir"
echo "transformers-js.sh: installed $(cd "$dir" && node -p 'require("./node_modules/@huggingface/transformers/package.json").version')"
