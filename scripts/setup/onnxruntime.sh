#!/usr/bin/env bash
# Installs the ONNX Runtime 1.30 native engine (libonnxruntime.so.1, C API version 30) into
# .native/onnxruntime/linux-x64/. NuGet's mirror lacks Microsoft.ML.OnnxRuntime, but npm's
# onnxruntime-node ships the same official build, so the library is taken from that tarball.
# Both the tarball and the extracted library are checked against pinned SHA-256 values.
# Idempotent: a no-op (one checksum of the installed file) when the right library is in place.
set -euo pipefail

readonly package="onnxruntime-node"
readonly version="1.30.0"
readonly tarball_sha256="6e3390d6b783e7be946fad629292799da28d0b42f84856e50d2c1b0383291e75"
readonly library_sha256="ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23"
readonly library_in_tarball="package/bin/napi-v6/linux/x64/libonnxruntime.so.1"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly repo_root
readonly dest="$repo_root/.native/onnxruntime/linux-x64"
readonly library="$dest/libonnxruntime.so.1"
readonly cache="$repo_root/.cache/npm-pack"
readonly tarball="$cache/$package-$version.tgz"

fail() {
  echo "onnxruntime.sh: error: $*" >&2
  exit 1
}

sha256_of() {
  sha256sum "$1" | cut -d' ' -f1
}

if [ "$(uname -s)" != "Linux" ] || [ "$(uname -m)" != "x86_64" ]; then
  fail "only linux-x64 is supported (this machine is $(uname -s)-$(uname -m))"
fi

if [ -f "$library" ] && [ "$(sha256_of "$library")" = "$library_sha256" ]; then
  exit 0
fi

command -v npm >/dev/null 2>&1 || fail "npm is required to fetch $package@$version (install Node.js/npm)"
command -v sha256sum >/dev/null 2>&1 || fail "sha256sum (coreutils) is required"

# Concurrent callers (parallel test runs) wait for one another instead of racing on the cache.
mkdir -p "$cache" "$dest"
exec 9>"$cache/.lock"
flock 9
if [ -f "$library" ] && [ "$(sha256_of "$library")" = "$library_sha256" ]; then
  exit 0
fi
if [ -f "$tarball" ] && [ "$(sha256_of "$tarball")" != "$tarball_sha256" ]; then
  echo "onnxruntime.sh: cached $tarball has the wrong checksum; fetching it again" >&2
  rm -f "$tarball"
fi
if [ ! -f "$tarball" ]; then
  echo "onnxruntime.sh: fetching $package@$version from the npm registry (~110 MB)"
  (cd "$cache" && npm pack "$package@$version" --ignore-scripts --silent >/dev/null) ||
    fail "'npm pack $package@$version' failed; check that the npm registry is reachable"
  [ -f "$tarball" ] || fail "npm pack did not produce $tarball"
fi
actual="$(sha256_of "$tarball")"
if [ "$actual" != "$tarball_sha256" ]; then
  rm -f "$tarball"
  fail "$package-$version.tgz has sha256 $actual, expected $tarball_sha256 (the registry served different bytes)"
fi

staging="$(mktemp -d "$dest/.staging.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
tar -xzf "$tarball" -C "$staging" "$library_in_tarball" package/package.json ||
  fail "could not extract $library_in_tarball from $tarball"
actual="$(sha256_of "$staging/$library_in_tarball")"
[ "$actual" = "$library_sha256" ] ||
  fail "extracted libonnxruntime.so.1 has sha256 $actual, expected $library_sha256"

# The npm package carries no license file; ONNX Runtime is MIT-licensed by Microsoft, and the
# notice must travel with the binary.
cat >"$staging/LICENSE.txt" <<'EOF'
libonnxruntime.so.1 is ONNX Runtime 1.30.0 (https://github.com/microsoft/onnxruntime), taken
from the npm package onnxruntime-node@1.30.0 (package.json alongside). It is distributed under
the following license:

MIT License

Copyright (c) 2018 - present Microsoft Corporation

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

# Same-directory renames, library last, so a concurrent reader never sees a partial file.
mv -f "$staging/package/package.json" "$dest/package.json"
mv -f "$staging/LICENSE.txt" "$dest/LICENSE.txt"
mv -f "$staging/$library_in_tarball" "$library"
echo "onnxruntime.sh: installed ONNX Runtime $version at $library"
