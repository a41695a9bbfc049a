#!/usr/bin/env bash
# Forges the tiny models the tests use into .models/forged/tiny (real vocabularies and tokenizers,
# 2 small layers, seeded random weights). Idempotent: a no-op when the recipe is unchanged.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec bash "$repo_root/scripts/forge-models.sh" --size tiny
