#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the benchmarks: bench/pg.sh start|stop|url
# Data in $BENCH_PG_DIR (default /tmp/chainserve-bench-pg), port $BENCH_PG_PORT (default 55432).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
DIR=${BENCH_PG_DIR:-/tmp/chainserve-bench-pg}
PORT=${BENCH_PG_PORT:-55432}
DB=${BENCH_PG_DB:-chainserve_bench}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "${1:-}" in
  start)
    if [ ! -f "$DIR/PG_VERSION" ]; then
      mkdir -p "$DIR"; [ "$(id -u)" = 0 ] && chown postgres "$DIR"
      # C.UTF-8 ctype: pg_trgm must see CJK characters as word characters.
      as_pg "$PGBIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
      cat >>"$DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
shared_buffers = 1GB
work_mem = 32MB
maintenance_work_mem = 512MB
effective_cache_size = 8GB
max_wal_size = 4GB
CONF
    fi
    as_pg "$PGBIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1 \
      || as_pg "$PGBIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w start >/dev/null
    as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
      || as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$DB"
    echo "postgres://postgres@127.0.0.1:$PORT/$DB"
    ;;
  stop)
    [ -f "$DIR/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null || true
    ;;
  url) echo "postgres://postgres@127.0.0.1:$PORT/$DB" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
