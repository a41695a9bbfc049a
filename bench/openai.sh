#!/usr/bin/env bash
# OpenAI-compatible API benchmark (docs/BENCHMARKS.md, "Platform: the OpenAI-compatible API"): the five services as real
# processes, SQuAD dev paragraphs ingested, then in ONE run (rounds interleaved, so load from elsewhere falls on both
# paths alike): /openai/v1/embeddings (gateway → orchestrator → embedder, base64 as the OpenAI SDK asks) against the
# Embedder's own gRPC Embed call with the same texts, batch sizes and concurrency (goal: ratio ≥ 0.9×); and time to first
# token of a streamed rag:squad chat completion against a streamed /v1/ask with the same questions.
#
#   bench/openai.sh      # env: MODELS (tiny|real), BATCHES (1,16,64), USERS (1,4), DURATION (30), ROUNDS (3), REQUESTS,
#                        #      MAX_TOKENS (32), WARMUP (5), THREADS, PARAGRAPHS (all), SET (extra service settings)
# Short check: PARAGRAPHS=20 BATCHES=4 USERS=1 DURATION=3 ROUNDS=1 WARMUP=1 bench/openai.sh
# Results: artifacts/bench/platform/openai-$MODELS.{md,json}; exit 1 when any request failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
source bench/platform-models.sh
"${platform_bench[@]}" openai --models "$models" \
  --batches "${BATCHES:-1,16,64}" --users "${USERS:-1,4}" --seconds "${DURATION:-30}" --rounds "${ROUNDS:-3}" --requests "${REQUESTS:-}" \
  --max-tokens "${MAX_TOKENS:-32}" --warmup "${WARMUP:-5}" --threads "${THREADS:-}" --set "${SET:-}" --paragraphs "${PARAGRAPHS:-0}"
