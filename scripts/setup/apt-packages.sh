#!/usr/bin/env bash
# Installs the Debian packages the tooling needs (python3-onnx and numpy for the model forge and
# test-model builders, poppler-utils for PDF ingestion, chromium for the web UI test). Idempotent: installs only what is missing.
set -euo pipefail
packages=(python3-onnx python3-numpy poppler-utils chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
echo "apt: installing ${missing[*]}"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
