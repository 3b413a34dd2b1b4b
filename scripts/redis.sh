#!/usr/bin/env bash
# A throwaway Redis for the tests: redis-server on 127.0.0.1 at a free port, in a temporary folder, without
# persistence (no RDB snapshot, no append-only file), in the background.
#
#   scripts/redis.sh CMD [ARGS...]   start one, run CMD with CHAINSERVE_TEST_REDIS_URL and REDIS_URL set, stop it
#   source scripts/redis.sh          defines redis_start (exports CHAINSERVE_TEST_REDIS_URL) and redis_stop
#
# CHAINSERVE_TEST_REDIS_URL (redis://127.0.0.1:PORT/0) is what the tests read (the shared-state test, the RQ
# broker's): REDIS_URL itself is not exported by redis_start, so the unit tests keep their per-process cache.
# Uses Debian's `redis-server` (package redis-server), or $REDIS_SERVER.
# Settings: REDIS_SERVER, REDIS_PORT_FIRST (first port tried, 63790), REDIS_KEEP=1 (keep the folder and its log).

redis__say() { printf '[redis] %s\n' "$*" >&2; }

redis_server_bin() {
    local bin=${REDIS_SERVER:-$(command -v redis-server || echo /usr/bin/redis-server)}
    [[ -x "$bin" ]] && echo "$bin"
}

redis__free_port() {
    local first=${REDIS_PORT_FIRST:-63790} py
    py=$(command -v python3 || command -v python) || { echo "$first"; return; }
    "$py" - "$first" <<'PY'
import socket, sys
first = int(sys.argv[1])
for port in list(range(first, first + 200)) + [0]:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    else:
        print(s.getsockname()[1])
        break
    finally:
        s.close()
PY
}

# redis__ping PORT: true when the server answers PING (bash's /dev/tcp: no redis-cli needed).
redis__ping() {
    (
        exec 9<>"/dev/tcp/127.0.0.1/$1" || exit 1
        printf 'PING\r\n' >&9
        read -r -t 2 reply <&9
        [[ "$reply" == +PONG* ]]
    ) 2>/dev/null
}

redis_start() {
    local bin port i
    bin=$(redis_server_bin) || { redis__say "no redis-server found (apt-get install redis-server, or set REDIS_SERVER)"; return 1; }
    REDIS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/chainserve-redis.XXXXXX") || return 1
    export REDIS_TMP
    chmod 700 "$REDIS_TMP"
    port=$(redis__free_port)
    # The test run's own server: loopback only, nothing written to disk, 32 databases (the tests take one each).
    "$bin" --bind 127.0.0.1 --port "$port" --dir "$REDIS_TMP" --save "" --appendonly no --databases 32 \
        --daemonize yes --pidfile "$REDIS_TMP/redis.pid" --logfile "$REDIS_TMP/redis.log" >/dev/null || {
        redis__say "redis-server did not start"
        return 1
    }
    for i in $(seq 100); do
        redis__ping "$port" && break
        sleep 0.1
    done
    if ! redis__ping "$port"; then
        cat "$REDIS_TMP/redis.log" >&2 2>/dev/null
        redis__say "redis-server does not answer on 127.0.0.1:$port"
        redis_stop
        return 1
    fi
    export CHAINSERVE_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
    redis__say "$("$bin" --version | sed -E 's/.*v=([0-9.]+).*/Redis \1/') up on 127.0.0.1:$port"
}

redis_stop() {
    [[ -n "${REDIS_TMP:-}" && -d "$REDIS_TMP" ]] || return 0
    local pid
    pid=$(cat "$REDIS_TMP/redis.pid" 2>/dev/null)
    if [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; then
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
        redis__say "stopped"
    fi
    if [[ -n "${REDIS_KEEP:-}" ]]; then
        redis__say "kept $REDIS_TMP (REDIS_KEEP is set)"
    else
        rm -rf "$REDIS_TMP"
    fi
    unset REDIS_TMP CHAINSERVE_TEST_REDIS_URL
}

# Executed rather than sourced: run the given command against a throwaway Redis.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -uo pipefail
    if [[ $# -eq 0 ]]; then
        echo "usage: $0 CMD [ARGS...]   (or: source $0; redis_start; ...; redis_stop)" >&2
        exit 2
    fi
    trap redis_stop EXIT
    trap 'exit 130' INT TERM
    redis_start || exit 1
    REDIS_URL=$CHAINSERVE_TEST_REDIS_URL "$@"
    exit $?
fi
