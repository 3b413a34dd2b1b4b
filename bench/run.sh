#!/usr/bin/env bash
# make bench: generate the data (once per backend and size) and measure import and pages on SQLite and PostgreSQL.
#
#   bash bench/run.sh                         # 1,000,000 organisations, 50,000 on one chain, both backends
#   BENCH_N=200000 BENCH_BACKENDS=sqlite bash bench/run.sh
#   BENCH_PG_URL=postgres://… bash bench/run.sh   # use a server you give instead of starting one
#   BENCH_DEMANDS=0 bash bench/run.sh          # skip the demands part (1,000,000 demands by default)
#
# Databases and results go to bench/out/ (gitignored). PostgreSQL: a throw-away server from bench/pg.sh
# (127.0.0.1:55432, data in /tmp/chainserve-bench-pg), stopped at the end unless BENCH_PG_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
OUT=bench/out
N=${BENCH_N:-1000000}
PLACEMENTS=${BENCH_PLACEMENTS:-50000}
ROWS=${BENCH_IMPORT_ROWS:-100000}
REQUESTS=${BENCH_REQUESTS:-100}
MAX_SECONDS=${BENCH_MAX_SECONDS:-30}   # per page case; a case slower than this reports fewer requests
BACKENDS=${BENCH_BACKENDS:-sqlite postgresql}
DEMANDS=${BENCH_DEMANDS:-1000000}      # 0: skip the demands part
INTAKE_WORKERS=${BENCH_INTAKE_WORKERS:-4}
INTAKE_USERS=${BENCH_INTAKE_USERS:-16}
INTAKE_SECONDS=${BENCH_INTAKE_SECONDS:-60}
LOCUST_VERSION=2.47.0                  # bench-only tools, not project dependencies: locust (and its psutil), wrk
mkdir -p "$OUT"
unset CHAINSERVE_DEBUG
export CHAINSERVE_VAR_DIR=${CHAINSERVE_VAR_DIR:-$PWD/$OUT/var}

started_pg=""
cleanup() { if [ -n "$started_pg" ] && [ "${BENCH_PG_KEEP:-0}" != 1 ]; then bash bench/pg.sh stop; fi; }
trap cleanup EXIT

WB="$OUT/import-${ROWS}.xlsx"
[ -f "$WB" ] || $PY bench/generate.py workbook --rows "$ROWS" --out "$WB"

for backend in $BACKENDS; do
  case $backend in
    sqlite) url="sqlite:///$PWD/$OUT/bench-$N.sqlite3" ;;
    postgresql)
      if [ -n "${BENCH_PG_URL:-}" ]; then url=$BENCH_PG_URL
      else BENCH_PG_DB=chainserve_bench_$N bash bench/pg.sh start >/dev/null; started_pg=1
           url=$(BENCH_PG_DB=chainserve_bench_$N bash bench/pg.sh url); fi ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  export DATABASE_URL=$url
  marker="$OUT/generated-$backend-$N"
  if [ ! -f "$marker" ]; then
    $PY bench/generate.py orgs --n "$N" --placements "$PLACEMENTS" 2>&1 | tee "$OUT/generate-$backend.log"
    touch "$marker"
  else
    $PY manage.py migrate --verbosity 0   # a new index migration applies to existing data too
  fi
  $PY bench/pages.py --requests "$REQUESTS" --max-seconds "$MAX_SECONDS" --json "$OUT/pages-$backend.json"
  # The import adds 100,000 organisations; keep the page figures above on the generated size.
  imported="$OUT/imported-$backend-$N"
  if [ ! -f "$imported" ]; then
    $PY bench/import_bench.py "$WB" --json "$OUT/import-$backend.json" && touch "$imported"
  else
    echo "[import] already imported into this database (delete $imported and the database to repeat)"
  fi
  if [ "$DEMANDS" != 0 ]; then
    dmarker="$OUT/generated-demands-$backend-$DEMANDS"
    if [ ! -f "$dmarker" ]; then
      $PY manage.py migrate --verbosity 0
      $PY bench/generate.py demands --n "$DEMANDS" 2>&1 | tee "$OUT/generate-demands-$backend.log"
      touch "$dmarker"
    fi
    $PY bench/demands_pages.py --only inbox --requests "$REQUESTS" --max-seconds "$MAX_SECONDS" \
      --json "$OUT/demands-pages-$backend.json"
    $PY bench/demands_pages.py --only metrics,metrics_category --requests "$REQUESTS" --max-seconds "$MAX_SECONDS" \
      --json "$OUT/demands-pages-$backend-metrics.json"
    if [ "$backend" = postgresql ] && [ -n "$started_pg" ]; then
      BENCH_PG_DB=chainserve_bench_$N $PY bench/demands_pages.py --cold --pg-restart --json "$OUT/demands-rates-cold-$backend.json"
    else
      $PY bench/demands_pages.py --cold --warm-calls 3 --json "$OUT/demands-rates-cold-$backend.json"
    fi
    if [ "$backend" = postgresql ]; then
      [ -x .venv/bin/locust ] || .venv/bin/pip install --quiet "locust==$LOCUST_VERSION"   # and psutil
      command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null   # the load generator (C, Debian's)
      $PY bench/create_cost.py --n 200 --rounds 3 | tee "$OUT/create-cost-$backend.txt"
      $PY bench/intake.py --workers "$INTAKE_WORKERS" --users "$INTAKE_USERS" --seconds "$INTAKE_SECONDS" \
        --json "$OUT/intake-$backend-w$INTAKE_WORKERS.json"
    fi
  fi
  # 1,000 eligibility rules over the generated enterprises
  $PY bench/matching.py --rules "${BENCH_RULES:-1000}" --broad 10 --out "$OUT/matching-$backend.json"
done
$PY bench/report.py "$OUT" | tee "$OUT/results.md"
