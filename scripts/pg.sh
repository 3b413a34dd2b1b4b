#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, started on 127.0.0.1 at a
# free port, with a role that may create databases (pytest-django makes test_<name> ones).
#
#   scripts/pg.sh CMD [ARGS...]    start a cluster, run CMD with DATABASE_URL set, stop and remove it
#   source scripts/pg.sh           defines pg_start (exports DATABASE_URL) and pg_stop, and pg_replica_start
#                                  (a streaming hot standby of that cluster; exports PG_REPLICA_URL) and pg_replica_stop
#
# Uses the newest /usr/lib/postgresql/*/bin (Debian package `postgresql`), else initdb/pg_ctl on PATH,
# or $PG_BINDIR. PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres`
# system user and its commands run through `runuser -u postgres --`.
# Settings: PG_BINDIR, PGPORT_FIRST (first port tried, 54329), PG_KEEP=1 (keep the folder, for a post-mortem),
# PG_REPLICA=1 (executed: start a replica too, PG_REPLICA_URL set for CMD).

PG_DB_NAME=${PG_DB_NAME:-chainserve}
PG_DB_USER=${PG_DB_USER:-chainserve}

pg__say() { printf '[pg] %s\n' "$*" >&2; }

pg_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        [[ -x "$PG_BINDIR/initdb" && -x "$PG_BINDIR/pg_ctl" ]] && { echo "$PG_BINDIR"; return 0; }
        return 1
    fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
        echo "$dir"
        return 0
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v initdb)")"
        return 0
    fi
    return 1
}

pg__free_port() {
    local first=${PGPORT_FIRST:-54329} py
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

# Run a command as the cluster's owner (from inside the cluster's folder: the caller's may be unreadable).
pg__as_owner() {
    if [[ $EUID -eq 0 ]]; then
        (cd "$PG_TMP" && runuser -u postgres -- "$@")
    else
        (cd "$PG_TMP" && "$@")
    fi
}

pg_start() {
    local bindir version port password su_password
    bindir=$(pg_bindir) || { pg__say "no PostgreSQL server found (apt-get install postgresql, or set PG_BINDIR)"; return 1; }
    version=$("$bindir/postgres" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
    if [[ -z "$version" || "$version" -lt 15 ]]; then
        pg__say "PostgreSQL >= 15 needed; $bindir/postgres is version ${version:-unknown}"
        return 1
    fi
    if [[ $EUID -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
        pg__say "running as root, but there is no 'postgres' system user to own the cluster"
        return 1
    fi
    # /tmp when root: the postgres user must be able to reach the folder (a root-only TMPDIR would not do).
    local base=${TMPDIR:-/tmp}
    [[ $EUID -eq 0 ]] && base=/tmp
    PG_TMP=$(mktemp -d "$base/chainserve-pg.XXXXXX") || return 1
    export PG_TMP
    chmod 700 "$PG_TMP"
    [[ $EUID -eq 0 ]] && chown postgres: "$PG_TMP"

    su_password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$su_password" >"$PG_TMP/pwfile"
    [[ $EUID -eq 0 ]] && chown postgres: "$PG_TMP/pwfile"
    chmod 600 "$PG_TMP/pwfile"

    pg__say "initdb ($bindir, PostgreSQL $version) in $PG_TMP/data"
    if ! pg__as_owner "$bindir/initdb" -D "$PG_TMP/data" -U postgres --pwfile="$PG_TMP/pwfile" \
            --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >"$PG_TMP/initdb.log" 2>&1; then
        cat "$PG_TMP/initdb.log" >&2
        pg__say "initdb failed"
        return 1
    fi
    rm -f "$PG_TMP/pwfile"

    port=$(pg__free_port)
    # A throwaway cluster: durability off for speed, listening on the loopback only.
    local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PG_TMP"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    opts+=" -c wal_level=replica -c max_wal_senders=4"  # a replica may stream from it (pg_replica_start)
    if ! pg__as_owner "$bindir/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -o "$opts" -w -t 60 start \
            >/dev/null; then
        cat "$PG_TMP/server.log" >&2 2>/dev/null
        pg__say "the server did not start"
        return 1
    fi
    export PG_CLUSTER_UP=1 PG_CLUSTER_BINDIR=$bindir PG_PORT=$port

    if ! pg__as_owner "$bindir/psql" -X -q -h "$PG_TMP" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
            -c "CREATE ROLE $PG_DB_USER LOGIN CREATEDB PASSWORD '$password'" \
            -c "CREATE DATABASE $PG_DB_NAME OWNER $PG_DB_USER" >/dev/null; then
        pg__say "could not create the role and database"
        return 1
    fi
    export DATABASE_URL="postgres://$PG_DB_USER:$password@127.0.0.1:$port/$PG_DB_NAME"
    pg__say "PostgreSQL $version up on 127.0.0.1:$port (database $PG_DB_NAME, role $PG_DB_USER with CREATEDB)"
}

# A hot standby of the cluster pg_start made: a replication role (its own password, a pg_hba line for 127.0.0.1),
# pg_basebackup -R (the standby's settings: streaming from the primary) into a second temporary folder, started on
# another free port. It replicates the whole cluster, test databases made later included. Exports PG_REPLICA_URL:
# DATABASE_URL with the replica's port.
pg_replica_start() {
    [[ -n "${PG_CLUSTER_UP:-}" && -n "${PG_PORT:-}" ]] || { pg__say "no primary to replicate: pg_start first"; return 1; }
    local bindir=$PG_CLUSTER_BINDIR port password base=${TMPDIR:-/tmp}
    [[ $EUID -eq 0 ]] && base=/tmp
    PG_REPLICA_TMP=$(mktemp -d "$base/chainserve-pg-replica.XXXXXX") || return 1
    export PG_REPLICA_TMP
    chmod 700 "$PG_REPLICA_TMP"
    [[ $EUID -eq 0 ]] && chown postgres: "$PG_REPLICA_TMP"

    password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    if ! pg__as_owner "$bindir/psql" -X -q -h "$PG_TMP" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
            -c "CREATE ROLE ${PG_DB_USER}_replicator REPLICATION LOGIN PASSWORD '$password'" >/dev/null; then
        pg__say "could not create the replication role"
        return 1
    fi
    printf 'host replication %s_replicator 127.0.0.1/32 scram-sha-256\n' "$PG_DB_USER" >>"$PG_TMP/data/pg_hba.conf"
    pg__as_owner "$bindir/pg_ctl" -D "$PG_TMP/data" reload >/dev/null || { pg__say "could not reload the primary"; return 1; }

    pg__say "pg_basebackup of 127.0.0.1:$PG_PORT into $PG_REPLICA_TMP/data"
    if ! pg__as_owner env PGPASSWORD="$password" "$bindir/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" \
            -U "${PG_DB_USER}_replicator" -D "$PG_REPLICA_TMP/data" -R -X stream -c fast \
            >"$PG_REPLICA_TMP/basebackup.log" 2>&1; then
        cat "$PG_REPLICA_TMP/basebackup.log" >&2
        pg__say "pg_basebackup failed"
        return 1
    fi

    port=$(PGPORT_FIRST=$((PG_PORT + 1)) pg__free_port)
    local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PG_REPLICA_TMP"
    opts+=" -c hot_standby=on -c fsync=off -c full_page_writes=off -c max_connections=60"
    if ! pg__as_owner "$bindir/pg_ctl" -D "$PG_REPLICA_TMP/data" -l "$PG_REPLICA_TMP/server.log" -o "$opts" \
            -w -t 60 start >/dev/null; then
        cat "$PG_REPLICA_TMP/server.log" >&2 2>/dev/null
        pg__say "the replica did not start"
        return 1
    fi
    export PG_REPLICA_UP=1 PG_REPLICA_URL=${DATABASE_URL/@127.0.0.1:$PG_PORT\//@127.0.0.1:$port/}
    pg__say "replica (hot standby of 127.0.0.1:$PG_PORT) up on 127.0.0.1:$port"
}

pg_replica_stop() {
    [[ -n "${PG_REPLICA_TMP:-}" && -d "$PG_REPLICA_TMP" ]] || return 0
    if [[ -n "${PG_REPLICA_UP:-}" ]]; then
        pg__as_owner "$PG_CLUSTER_BINDIR/pg_ctl" -D "$PG_REPLICA_TMP/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
            || pg__as_owner "$PG_CLUSTER_BINDIR/pg_ctl" -D "$PG_REPLICA_TMP/data" -m immediate -w stop >/dev/null 2>&1
        unset PG_REPLICA_UP PG_REPLICA_URL
        pg__say "replica stopped"
    fi
    if [[ -n "${PG_KEEP:-}" ]]; then
        pg__say "kept $PG_REPLICA_TMP (PG_KEEP is set)"
    else
        rm -rf "$PG_REPLICA_TMP"
    fi
    unset PG_REPLICA_TMP
}

pg_stop() {
    pg_replica_stop  # a replica goes first: it would only retry its primary
    [[ -n "${PG_TMP:-}" && -d "$PG_TMP" ]] || return 0
    if [[ -n "${PG_CLUSTER_UP:-}" ]]; then
        pg__as_owner "$PG_CLUSTER_BINDIR/pg_ctl" -D "$PG_TMP/data" -m fast -w -t 60 stop >/dev/null 2>&1 \
            || pg__as_owner "$PG_CLUSTER_BINDIR/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1
        unset PG_CLUSTER_UP PG_PORT
        pg__say "stopped"
    fi
    if [[ -n "${PG_KEEP:-}" ]]; then
        pg__say "kept $PG_TMP (PG_KEEP is set)"
    else
        rm -rf "$PG_TMP"
    fi
    unset PG_TMP
}

# Executed rather than sourced: run the given command against a throwaway cluster.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -uo pipefail
    if [[ $# -eq 0 ]]; then
        echo "usage: $0 CMD [ARGS...]   (or: source $0; pg_start; ...; pg_stop)" >&2
        exit 2
    fi
    trap pg_stop EXIT
    trap 'exit 130' INT TERM
    pg_start || exit 1
    if [[ -n "${PG_REPLICA:-}" ]]; then pg_replica_start || exit 1; fi
    "$@"
    exit $?
fi
