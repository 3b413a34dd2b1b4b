#!/usr/bin/env bash
# The full API fuzz run: schemathesis against every operation of /api/v1/schema/, as every role, with the
# boundary-case coverage phase, FUZZ_EXAMPLES generated cases (default 100) and random seeds.
# CI runs the same test (chainserve/core/tests/test_fuzz_api.py) bounded: 3 derandomized cases, no coverage.
#
#   bash bench/fuzz.sh                              # SQLite, 100 cases per operation and role
#   FUZZ_EXAMPLES=500 bash bench/fuzz.sh -k office  # more cases, one role (extra args go to pytest)
#   DATABASE_URL=postgres://… bash bench/fuzz.sh    # on PostgreSQL (a server you give)
#
# Output: bench/out/fuzz-<backend>.log; a failure prints the request that broke it as a curl command.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
backend=sqlite
case "${DATABASE_URL:-}" in postgres*) backend=postgresql ;; esac
log=bench/out/fuzz-$backend.log
start=$(date +%s)
FUZZ_EXAMPLES=${FUZZ_EXAMPLES:-100} FUZZ_RANDOM=1 FUZZ_COVERAGE=1 \
    .venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" -q -p no:cacheprovider \
    chainserve/core/tests/test_fuzz_api.py "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo "fuzz ($backend, ${FUZZ_EXAMPLES:-100} cases per operation and role, coverage phase on): exit $rc in $(( $(date +%s) - start ))s; log $log"
exit "$rc"
