#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: Debian's `postgresql` package, a cluster made by
# initdb in a temporary directory (as the `postgres` user: initdb refuses root), listening on a
# free port of 127.0.0.1 only, trust authentication for the one role `newsdesk`.
#
#   eval "$(bash scripts/postgres.sh start)"   # prints export NEWSDESK_TEST_POSTGRES_URL=… and
#                                                # NEWSDESK_TEST_POSTGRES_DIR=…
#   bash scripts/postgres.sh stop "$NEWSDESK_TEST_POSTGRES_DIR"
#
# Each test makes its own database in it (`CREATE DATABASE`), so tests never share tables.
set -euo pipefail

bin_dir() {
  local initdb
  initdb=$(dpkg -L "$(dpkg -l 'postgresql-[0-9]*' 2>/dev/null | awk '/^ii/ {print $2}' | grep -E '^postgresql-[0-9]+$' | sort -V | tail -n 1)" 2>/dev/null | grep '/bin/initdb$' | head -n 1 || true)
  [ -n "$initdb" ] || { echo "postgres.sh: Debian's postgresql package is not installed" >&2; return 1; }
  dirname "$initdb"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    bin=$(bin_dir)
    dir=$(mktemp -d /tmp/newsdesk-pg.XXXXXX)
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_postgres "$bin/initdb" -D "$dir/data" -U newsdesk -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    # Settings for a test server: no fsync (a crash loses a throwaway cluster), enough connections
    # for parallel tests each with a pool.
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "export NEWSDESK_TEST_POSTGRES_URL=postgres://newsdesk@127.0.0.1:$port/postgres"
    echo "export NEWSDESK_TEST_POSTGRES_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: postgres.sh stop DIR}
    bin=$(bin_dir)
    [ ! -d "$dir/data" ] || as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start | stop DIR" >&2
    exit 2
    ;;
esac
