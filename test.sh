#!/usr/bin/env bash
# Runs every test of RagPlatform on a fresh machine: installs what the tests need, builds with
# warnings as errors, then runs `dotnet test`. Extra arguments go to `dotnet test`, e.g.
#   ./test.sh --filter Category=Interop
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
source scripts/env.sh

./scripts/setup.sh

dotnet build RagPlatform.sln -c Release -warnaserror -nologo -clp:ErrorsOnly

results="$root/artifacts/test-results"
rm -rf "$results"
status=0
dotnet test RagPlatform.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@" || status=$?

# One closing line summing every test assembly, for humans and for CI.
passed=0 failed=0 skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get total) - $(get executed)))   # skipped tests are counted but not executed
done
# What suites asked to report (kills survived, chunks lost, inputs fuzzed): passing tests' output is otherwise hidden.
for report in "$results"/reports/*.txt; do
  [ -e "$report" ] && cat "$report"
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
