#!/usr/bin/env bash
# Forges ONNX models of the real architectures (all-MiniLM-L6-v2 embedder, ms-marco-MiniLM-L-6-v2
# cross-encoder, Qwen2.5-0.5B-Instruct, SmolLM2-135M-Instruct) with seeded random weights, in the
# transformers.js / Optimum layout: <out>/<name>/{config.json, tokenizer files, onnx/model.onnx}.
#
#   scripts/forge-models.sh [--size tiny|real] [--models a,b,...] [--seed N] [--out DIR]
#                           [--logits last|all] [--force] [--verify] [--determinism]
#
#   --size         tiny (default; real vocabularies, 2 small layers, forges in about a second) or
#                  real (the published sizes; qwen2.5 is ~2 GB with external weights)
#   --models       comma-separated subset of minilm-embedder,minilm-reranker,qwen2.5,smollm2 (default: all)
#   --seed         weight seed (default 1234); the same seed gives byte-identical files
#   --out          output folder (default <repo>/.models/forged/<size>)
#   --logits       decoders: last (default) computes the LM head for the last position only, logits
#                  [batch, 1, vocab]; all exports it as Optimum does (MatMul over every position,
#                  logits [batch, seq, vocab]) - what a pulled model computes, for benchmarks and the
#                  `rag models optimize` tests (use another --out: the folder names are the same)
#   --force        forge even if the output's recipe (size, seed, forge sources) is unchanged
#   --verify       then check every model against the numpy reference in ONNX Runtime
#                  (installs tests/node/forge-check's npm packages); tiny also re-forges to prove
#                  the bytes are reproducible
#   --determinism  with --verify, also run the re-forge check for --size real
#
# Idempotent: a model whose folder holds a forge.json with the same recipe hash is skipped.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly repo_root
readonly python=/usr/bin/python3  # Debian's python sees python3-onnx/numpy; the first on PATH may not
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the checkout

size=tiny
models=minilm-embedder,minilm-reranker,qwen2.5,smollm2
seed=1234
out=""
force=()
logits=last
verify=false
determinism=false

fail() {
  echo "forge-models.sh: error: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="${2:?--size needs a value}"; shift 2 ;;
    --models) models="${2:?--models needs a value}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --logits) logits="${2:?--logits needs a value}"; shift 2 ;;
    --force) force=(--force); shift ;;
    --verify) verify=true; shift ;;
    --determinism) determinism=true; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
done
case "$size" in tiny | real) ;; *) fail "--size must be tiny or real" ;; esac
case "$logits" in last | all) ;; *) fail "--logits must be last or all" ;; esac
[[ "$seed" =~ ^[0-9]+$ ]] || fail "--seed must be a non-negative integer"
[ -n "$out" ] || out="$repo_root/.models/forged/$size"

# shellcheck source=env.sh
source "$repo_root/scripts/env.sh"  # sets RAG_SHARED_DIR (the real tokenizers and configs)
[ -d "$RAG_SHARED_DIR/models" ] || fail "no shared models at $RAG_SHARED_DIR/models (set RAG_SHARED_DIR)"

bash "$repo_root/scripts/setup/apt-packages.sh"

# Parallel callers (e.g. test runs that each run setup) wait for one another.
mkdir -p "$out"
exec 8>"$out/.forge.lock"
flock 8
"$python" "$repo_root/scripts/forge/forge.py" --size "$size" --models "$models" --seed "$seed" \
  --out "$out" --shared "$RAG_SHARED_DIR" --logits "$logits" "${force[@]}"

if [ "$verify" = true ]; then
  command -v node >/dev/null 2>&1 || fail "--verify needs Node.js (node and npm)"
  node_dir="$repo_root/tests/node/forge-check"
  bash "$repo_root/scripts/setup/npm-folder.sh" "$node_dir"
  determinism_flag=()
  if [ "$size" = tiny ] || [ "$determinism" = true ]; then determinism_flag=(--determinism); fi
  "$python" "$repo_root/scripts/forge/verify.py" --out "$out" --models "$models" --size "$size" --seed "$seed" \
    --shared "$RAG_SHARED_DIR" --node-dir "$node_dir" --logits "$logits" "${determinism_flag[@]}"
fi
