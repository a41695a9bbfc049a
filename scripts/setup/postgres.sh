#!/usr/bin/env bash
# Installs Debian's PostgreSQL server (15 on bookworm) for the tests of the shared stores: each test run starts its
# own throw-away server with initdb + pg_ctl on a free loopback port (tests/RagPlatform.Testing/Postgres), so no
# cluster of the package's is used or needed. Idempotent: installs only when missing.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  exit 0
fi
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
# No default cluster: the package would otherwise create and try to start one on port 5432 that nothing here uses.
$sudo_cmd mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $sudo_cmd tee /etc/postgresql-common/createcluster.d/rag-no-main-cluster.conf >/dev/null
echo "apt: installing postgresql"
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends postgresql >/dev/null
