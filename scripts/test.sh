#!/usr/bin/env bash
# `make test`: every test, in five stages —
#   lint      ruff, no model change without its migration, bandit (security lint; skips explained in pyproject)
#   sqlite    the whole suite except the browser tests, on SQLite
#   postgres  the same on PostgreSQL: $DATABASE_URL if it names one, else a throwaway cluster (scripts/pg.sh)
#             with a streaming replica beside it (CHAINSERVE_TEST_REPLICA_URL: the read-replica tests);
#             also the SIGKILL fault test (tests/fault: gunicorn and the task worker killed under load — it
#             needs a database other processes can reach, so on SQLite it is skipped)
#   cluster   the platform as several machines on 127.0.0.1 (tests/cluster, -m cluster): its own PostgreSQL
#             primary and streaming replica, its own Redis, two gunicorn servers and two RQ workers started by
#             the test; a demand from intake to the bulletin across them, one server and one worker SIGKILLed
#   e2e       the browser tests (-m e2e: Playwright driving Debian's Chromium), on SQLite
# The sqlite and postgres stages share one throwaway Redis (scripts/redis.sh), started before them: they get its
# address as CHAINSERVE_TEST_REDIS_URL=redis://127.0.0.1:PORT/0 (the shared-state and broker tests; REDIS_URL
# stays unset, so the other tests keep their per-process cache). The cluster stage starts its own PostgreSQL
# (primary and replica) and Redis, whatever DATABASE_URL says, and stops them after.
#
#   scripts/test.sh [STAGE...]      default: lint sqlite postgres cluster e2e
#
# What a stage needs and the machine lacks (postgresql, redis-server, chromium, fonts-noto-cjk, Pango, poppler-utils) is installed with
# apt-get first — as root, or through `sudo -n`. Works unattended (CI=true, no stdin).
# Environment: DATABASE_URL (postgres://… to test against your own server), TEST_WORKERS (pytest-xdist
# workers, 2), STAGE_TIMEOUT (seconds per stage, 2400), CHAINSERVE_CHROMIUM (/usr/bin/chromium),
# PYTEST_ADDOPTS (extra pytest options, e.g. "-x" or "-k search"), NO_APT=1 (never install).
# Exit status: 0 when every stage passed; 1 otherwise. Logs: .tmp/test-logs/<stage>.log

set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

PYTHON=${VENV_PYTHON:-$ROOT/.venv/bin/python}
WORKERS=${TEST_WORKERS:-2}
STAGE_TIMEOUT=${STAGE_TIMEOUT:-2400}
CHROMIUM=${CHAINSERVE_CHROMIUM:-/usr/bin/chromium}
LOGDIR=$ROOT/.tmp/test-logs
ALL_STAGES=(lint sqlite postgres cluster e2e)
STAGES=("$@")
[[ ${#STAGES[@]} -eq 0 ]] && STAGES=("${ALL_STAGES[@]}")

# shellcheck source=scripts/pg.sh
source "$ROOT/scripts/pg.sh"
# shellcheck source=scripts/redis.sh
source "$ROOT/scripts/redis.sh"

if [[ -t 1 ]]; then B=$'\033[1m' N=$'\033[0m'; else B="" N=""; fi
say() { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }
die() { printf '\nscripts/test.sh: %s\n' "$*" >&2; exit 1; }

for stage in "${STAGES[@]}"; do
    [[ " ${ALL_STAGES[*]} " == *" $stage "* ]] || die "unknown stage '$stage' (stages: ${ALL_STAGES[*]})"
done
wants() { [[ " ${STAGES[*]} " == *" $1 "* ]]; }
[[ -x "$PYTHON" ]] || die "no virtual environment at $PYTHON — run 'make test' (it creates .venv) or set VENV_PYTHON"

# A DATABASE_URL that names a PostgreSQL server is used by the postgres stage; anything else is ignored.
USER_PG_URL=""
case "${DATABASE_URL:-}" in
    postgres://* | postgresql://* | pgsql://*) USER_PG_URL=$DATABASE_URL ;;
    "") ;;
    *) echo "note: DATABASE_URL is not a PostgreSQL URL; the postgres stage starts its own server" ;;
esac

cleanup() { pg_stop; redis_stop; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- system packages --------------------------------------------------------------------------------
have_fonts_cjk() {
    if command -v dpkg-query >/dev/null 2>&1; then
        dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" && return 0
    fi
    command -v fc-list >/dev/null 2>&1 && fc-list ':lang=zh' family 2>/dev/null | grep -qi 'noto.*cjk'
}

have_pango() { # WeasyPrint loads Pango through cffi
    if command -v dpkg-query >/dev/null 2>&1; then
        dpkg-query -W -f='${Status}' libpangoft2-1.0-0 2>/dev/null | grep -q "install ok installed" && return 0
    fi
    PATH=$PATH:/sbin:/usr/sbin ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'
}

ensure_packages() {
    local missing=()
    if { wants cluster || { wants postgres && [[ -z "$USER_PG_URL" ]]; }; } && ! pg_bindir >/dev/null; then
        missing+=(postgresql)
    fi
    if { wants sqlite || wants postgres || wants cluster; } && ! redis_server_bin >/dev/null; then missing+=(redis-server); fi
    if wants e2e && [[ ! -x "$CHROMIUM" ]]; then missing+=(chromium); fi
    # PDF bulletins (WeasyPrint) are made and read back (pdftotext) in the unit and the browser tests.
    local pdf=""
    if wants sqlite || wants postgres || wants e2e; then pdf=1; fi
    if [[ -n "$pdf" ]] && ! have_fonts_cjk; then missing+=(fonts-noto-cjk); fi
    if [[ -n "$pdf" ]] && ! have_pango; then missing+=(libpango-1.0-0 libpangoft2-1.0-0); fi
    if [[ -n "$pdf" ]] && ! command -v pdftotext >/dev/null 2>&1; then missing+=(poppler-utils); fi
    [[ ${#missing[@]} -eq 0 ]] && return 0
    [[ -n "${NO_APT:-}" ]] && die "missing ${missing[*]} and NO_APT is set"
    command -v apt-get >/dev/null 2>&1 || die "missing ${missing[*]}, and there is no apt-get to install them with"
    local sudo=()
    if [[ $EUID -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "missing ${missing[*]}: run as root or install sudo"
        sudo=(sudo -n)
    fi
    say "Installing ${missing[*]} (apt-get)"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null \
        || die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null \
        || die "apt-get install ${missing[*]} failed"
    if [[ " ${missing[*]} " == *" chromium "* && ! -x "$CHROMIUM" ]]; then
        die "chromium installed, but there is no browser at $CHROMIUM (set CHAINSERVE_CHROMIUM)"
    fi
}

# --- stages --------------------------------------------------------------------------------------
declare -A RESULT=() DURATION=() COUNTS=()
FAILED=0

# At a terminal, --foreground lets Ctrl-C reach pytest; unattended, timeout runs the stage in its own
# process group and on expiry ends all of it (pytest, xdist workers, browsers).
TIMEOUT_OPTS=()
[[ -t 0 ]] && TIMEOUT_OPTS=(--foreground)

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# run_stage NAME CMD...: run a pytest command, keep its log, record result, time and counts.
run_stage() {
    local name=$1 log="$LOGDIR/$1.log" start rc summary
    shift
    say "Stage $name: $*"
    start=$(date +%s)
    timeout "${TIMEOUT_OPTS[@]}" -k 30 "$STAGE_TIMEOUT" "$@" </dev/null 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    DURATION[$name]=$(($(date +%s) - start))
    summary=$(grep -E '(passed|failed|errors?|skipped|deselected|no tests ran).* in [0-9.]+s' "$log" | tail -n 1 \
        | sed -E 's/^=+ //; s/ =+$//')
    COUNTS[$name]=${summary:-"(no pytest summary)"}
    case $rc in
        0) RESULT[$name]=PASS ;;
        5) RESULT[$name]="FAIL (no tests collected)" ;;
        124 | 137) RESULT[$name]="FAIL (timed out after ${STAGE_TIMEOUT}s)" ;;
        *) RESULT[$name]="FAIL (exit $rc)" ;;
    esac
    [[ $rc -eq 0 ]] || FAILED=1
}

fail_stage() { # NAME REASON: a stage that could not even start
    RESULT[$1]="FAIL ($2)"
    DURATION[$1]=0
    COUNTS[$1]="-"
    FAILED=1
}

PYTEST=("$PYTHON" -m pytest -n "$WORKERS" -ra --durations=40)  # the 15 slowest in each log: where CI time goes
UNIT=(-m "not e2e and not cluster" --ignore=tests/e2e --ignore=tests/cluster)
T0=$(date +%s)
mkdir -p "$LOGDIR"

ensure_packages

if wants lint; then
    run_stage lint env -u DATABASE_URL bash -c \
        "'$ROOT/.venv/bin/ruff' check chainserve tests bench conftest.py && '$PYTHON' manage.py makemigrations --check --dry-run \
         && '$ROOT/.venv/bin/bandit' -c pyproject.toml -r chainserve -q"
fi

# One Redis for the unit stages (a stage's tests each flush a database number of their own in it).
REDIS_ENV=(-u REDIS_URL)
if wants sqlite || wants postgres; then
    if redis_start; then
        REDIS_ENV+=(CHAINSERVE_TEST_REDIS_URL="$CHAINSERVE_TEST_REDIS_URL")
    else
        echo "note: Redis did not start; the shared-state tests fail (CI) or skip" >&2
        REDIS_ENV+=(-u CHAINSERVE_TEST_REDIS_URL)
    fi
fi

if wants sqlite; then
    run_stage sqlite env -u DATABASE_URL "${REDIS_ENV[@]}" "${PYTEST[@]}" "${UNIT[@]}"
fi

if wants postgres; then
    if [[ -n "$USER_PG_URL" ]]; then
        echo "PostgreSQL from DATABASE_URL (${USER_PG_URL%%@*}@…)" | sed -E 's#(://[^:]*):[^@]*@#\1:***@#'
        run_stage postgres env "${REDIS_ENV[@]}" DATABASE_URL="$USER_PG_URL" "${PYTEST[@]}" "${UNIT[@]}"
    elif pg_start; then
        # A streaming replica beside it, for the read-replica tests (core/tests/test_replica_router.py); pg_stop
        # stops it too. The suite itself runs without the replica router: the test configures it where it needs it.
        REPLICA_ENV=()
        if pg_replica_start; then REPLICA_ENV=(CHAINSERVE_TEST_REPLICA_URL="$PG_REPLICA_URL"); fi
        run_stage postgres env "${REDIS_ENV[@]}" DATABASE_URL="$DATABASE_URL" "${REPLICA_ENV[@]}" "${PYTEST[@]}" "${UNIT[@]}"
        pg_stop
    else
        fail_stage postgres "could not start PostgreSQL"
    fi
fi

# Always its own servers (a DATABASE_URL of yours is not used: the stage needs a replica of the primary it writes to).
# One pytest process: the test starts its servers and workers itself.
if wants cluster; then
    redis_stop  # the unit stages' Redis, if any: the cluster gets a fresh one
    if ! pg_start; then
        fail_stage cluster "could not start PostgreSQL"
    elif ! pg_replica_start; then
        fail_stage cluster "could not start the PostgreSQL replica"
    elif ! redis_start; then
        fail_stage cluster "could not start Redis"
    else
        run_stage cluster env -u REDIS_URL -u REPLICA_DATABASE_URL DATABASE_URL="$DATABASE_URL" \
            CHAINSERVE_TEST_REPLICA_URL="$PG_REPLICA_URL" CHAINSERVE_TEST_REDIS_URL="$CHAINSERVE_TEST_REDIS_URL" \
            "$PYTHON" -m pytest -n 0 -ra --durations=10 -m cluster tests/cluster
    fi
    pg_stop
    redis_stop
fi

if wants e2e; then
    run_stage e2e env -u DATABASE_URL E2E_REQUIRE_BROWSER=1 CHAINSERVE_CHROMIUM="$CHROMIUM" \
        "${PYTEST[@]}" -m e2e
fi

# --- summary ------------------------------------------------------------------------------------
say "make test: summary"
printf '%-9s %-34s %-8s %s\n' stage result time tests
for stage in "${STAGES[@]}"; do
    printf '%-9s %-34s %-8s %s\n' "$stage" "${RESULT[$stage]:-not run}" "$(fmt_time "${DURATION[$stage]:-0}")" \
        "${COUNTS[$stage]:-}"
done
printf 'total     %-34s %s\n' "$([[ $FAILED -eq 0 ]] && echo PASS || echo FAIL)" "$(fmt_time $(($(date +%s) - T0)))"
printf 'logs      %s\n' "$LOGDIR"
exit $FAILED
