#!/usr/bin/env bash
# Platform soak (docs/BENCHMARKS.md, "Platform: soak"): the five services as real processes with their shipped
# limits, SQuAD dev ingested, then a fixed open-loop schedule for DURATION seconds (default 10 minutes): RATE asks/s
# (JSON and SSE alternating), READ_RATE document status/list reads/s, and an upload every UPLOAD_EVERY s replacing one
# of ten rotating documents. Reports requests, errors by status, latency p50/p99 per kind and each process's VmRSS at
# the start, every SAMPLE_EVERY s and at the end, after SOAK_WARMUP s (default 300) of the same schedule unmeasured;
# prints PASS (0 errors, RSS flat from the start of the measured window within max(RSS_GROWTH_PERCENT %, 16 MiB))
# or FAIL and exits non-zero on FAIL.
#
#   bench/platform-soak.sh     # env: RATE (0.5), DURATION (600), READ_RATE (10), UPLOAD_EVERY (10), MODELS (tiny),
#                              #      MAX_TOKENS (32), SAMPLE_EVERY (60), RSS_GROWTH_PERCENT (10), THREADS, PARAGRAPHS,
#                              #      SOAK_WARMUP (300), SET ("Service:Section__Key=value;..." extra service settings)
# Results: artifacts/bench/platform/soak-$MODELS.{md,json}.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
source bench/platform-models.sh
"${platform_bench[@]}" soak --models "$models" \
  --rate "${RATE:-0.5}" --seconds "${DURATION:-600}" --read-rate "${READ_RATE:-10}" --upload-every "${UPLOAD_EVERY:-10}" \
  --max-tokens "${MAX_TOKENS:-32}" --sample-every "${SAMPLE_EVERY:-60}" --rss-growth-percent "${RSS_GROWTH_PERCENT:-10}" \
  --threads "${THREADS:-}" --set "${SET:-}" --paragraphs "${PARAGRAPHS:-0}" --warmup "${WARMUP:-5}" --soak-warmup "${SOAK_WARMUP:-300}"
