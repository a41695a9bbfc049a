#!/usr/bin/env bash
# Builds the toy ONNX graphs the runtime tests of RagPlatform.Inference.Tests run into .models/test/.
# Idempotent: rebuilds only when a model is missing or the builder script changed (its sha256 is
# recorded in .models/test/.builder-sha256).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly repo_root
readonly builder="$repo_root/scripts/testmodels/build_test_models.py"
readonly out="$repo_root/.models/test"
readonly stamp="$out/.builder-sha256"
readonly models=(add_float add_int64 long_loop matmul_float)
# Debian's onnx/numpy are only visible to the system interpreter.
readonly python=/usr/bin/python3

fail() {
  echo "onnx-test-models.sh: error: $*" >&2
  exit 1
}

builder_sha="$(sha256sum "$builder" | cut -d' ' -f1)"
up_to_date=true
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$builder_sha" ] || up_to_date=false
for m in "${models[@]}"; do
  [ -f "$out/$m.onnx" ] || up_to_date=false
done
$up_to_date && exit 0

[ -x "$python" ] || fail "$python not found (Debian's python3 is required)"
"$python" -c "import onnx, numpy" 2>/dev/null ||
  fail "python3-onnx and python3-numpy are missing: run ./scripts/setup/apt-packages.sh"

# Build beside the destination and swap in, so readers never see a half-written set; the lock
# keeps concurrent callers (parallel test runs) from swapping at the same time.
mkdir -p "$(dirname "$out")"
exec 9>"$(dirname "$out")/.test-models.lock"
flock 9
staging="$(mktemp -d "$out.staging.XXXXXX")"
chmod 755 "$staging"
trap 'rm -rf "$staging"' EXIT
"$python" "$builder" "$staging" || fail "building the test models failed"
for m in "${models[@]}"; do
  [ -f "$staging/$m.onnx" ] || fail "the builder did not produce $m.onnx"
done
echo "$builder_sha" >"$staging/.builder-sha256"
rm -rf "$out"
mv "$staging" "$out"
echo "onnx-test-models.sh: built ${#models[@]} test models in $out"
