#!/usr/bin/env bash
# Platform benchmark (docs/BENCHMARKS.md, "Platform: /v1/ask latency"): the five services as real processes on
# loopback, the SQuAD dev paragraphs ingested through the gateway, then closed-loop users on /v1/ask at each
# concurrency (half JSON, half SSE for time to first token) and as many closed-loop callers of the bare Generator over
# gRPC with the prompts those asks built, interleaved in ROUNDS rounds so load from elsewhere on a shared machine falls
# on both alike. Bounded: per level and path DURATION seconds (or REQUESTS), plus the answers in flight at the end.
#
#   bench/platform-ask.sh      # env: MODELS (tiny|real), USERS (1,4,16), DURATION (45), ROUNDS (3), REQUESTS, MAX_TOKENS (32),
#                              #      WARMUP (5), THREADS (shipped default), PARAGRAPHS (all), MODE (hybrid),
#                              #      TIMEOUT (each ask's timeoutSeconds; default the gateway's 60 s, at most 300),
#                              #      SET ("Service:Section__Key=value;..." extra service settings for experiments)
# Results: artifacts/bench/platform/ask-$MODELS.{md,json}; exit 1 when any request failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
source bench/platform-models.sh
"${platform_bench[@]}" ask --models "$models" \
  --users "${USERS:-1,4,16}" --seconds "${DURATION:-45}" --rounds "${ROUNDS:-3}" --requests "${REQUESTS:-}" --max-tokens "${MAX_TOKENS:-32}" \
  --warmup "${WARMUP:-5}" --threads "${THREADS:-}" --set "${SET:-}" --paragraphs "${PARAGRAPHS:-0}" --mode "${MODE:-hybrid}" --timeout "${TIMEOUT:-}"
