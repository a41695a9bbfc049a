#!/usr/bin/env bash
# Scale-out benchmark (docs/BENCHMARKS.md, "Scale-out"): the platform as real processes over one throw-away
# PostgreSQL server (Debian's, scripts/setup/postgres.sh) and a fake Qdrant process per platform, in one run:
#   - ingestion of the same SQuAD dev paragraphs (uploaded through two gateways) with one orchestrator on the embedded
#     SQLite queue, one on the PostgreSQL queue and two on the PostgreSQL queue: documents/s, chunks/s, the ratio of
#     two orchestrators to one, and the leased queue's cost per document (PostgreSQL against SQLite, one orchestrator);
#   - on the two-orchestrator platform, closed-loop askers all on gateway A against the same askers spread over
#     gateways A and B, interleaved in ROUNDS rounds: p50/p95 of each and their ratio.
# Both sides of each comparison run on this machine in this run; on a 2-core machine every process shares the same
# cores, so a second orchestrator adds a queue consumer, not CPU.
#
#   bench/scale-out.sh         # env: MODELS (tiny|real), PARAGRAPHS (200), USERS (4), DURATION (30 s of asks per side),
#                              #      ROUNDS (3), REQUESTS (asks per side instead of DURATION), MAX_TOKENS (16), MODE (hybrid),
#                              #      THREADS (each model service's shipped default)
#   PARAGRAPHS=40 USERS=2 REQUESTS=12 ROUNDS=2 bench/scale-out.sh   # a quick check that it runs
# Results: artifacts/bench/platform/scale-out.{md,json}; exit 1 when any ask failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh
bash scripts/setup/postgres.sh
source bench/platform-models.sh
"${platform_bench[@]}" scale --models "$models" \
  --paragraphs "${PARAGRAPHS:-200}" --users "${USERS:-4}" --seconds "${DURATION:-30}" --rounds "${ROUNDS:-3}" --requests "${REQUESTS:-}" \
  --max-tokens "${MAX_TOKENS:-16}" --mode "${MODE:-hybrid}" --threads "${THREADS:-}"
