#!/usr/bin/env bash
# A throwaway PostgreSQL for tests, CI and the benchmark, from Debian's package, on 127.0.0.1 only.
#
#   scripts/test-postgres.sh start   installs postgresql when missing (apt-get, as root), creates the cluster once,
#                                    starts it (again after a crash), prints the admin URL; running it twice is fine
#   scripts/test-postgres.sh url     prints the admin URL (postgresql://postgres@127.0.0.1:PORT/postgres)
#   scripts/test-postgres.sh stop    stops it (the cluster stays for the next start)
#   scripts/test-postgres.sh destroy stops it and deletes the cluster
#
# RIQING_PG_DIR (default: $TMPDIR/riqing-test-postgres) holds the cluster; RIQING_PG_PORT (default 54329) is the port.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user (created when missing).
# Durability is traded for speed (fsync off): the data is thrown away anyway.
set -euo pipefail

DIR="${RIQING_PG_DIR:-${TMPDIR:-/tmp}/riqing-test-postgres}"
PORT="${RIQING_PG_PORT:-54329}"
DATA="$DIR/data"
LOG="$DIR/server.log"
URL="postgresql://postgres@127.0.0.1:$PORT/postgres"

bindir() {
  local newest
  newest="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -z "$newest" ] && command -v pg_ctl >/dev/null 2>&1; then newest="$(dirname "$(command -v pg_ctl)")"; fi
  echo "$newest"
}

install_if_missing() {
  if [ -n "$(bindir)" ]; then return; fi
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL is not installed; install Debian's postgresql package (apt-get install postgresql)" >&2
    exit 1
  fi
  echo "installing PostgreSQL (apt-get install postgresql)…" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# Runs a command as the server's OS user: postgres when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [ -f "$DATA/postmaster.pid" ] && as_owner "$(bindir)/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  install_if_missing
  local bin
  bin="$(bindir)"
  mkdir -p "$DIR"
  if [ "$(id -u)" = "0" ]; then
    as_owner true
    chown postgres "$DIR"
    chmod 0755 "$DIR"
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    as_owner "$bin/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if running; then
    echo "$URL"
    return
  fi
  # After a kill -9 the pid file outlives its server and blocks the start: drop it when its process is gone.
  if [ -f "$DATA/postmaster.pid" ]; then
    local pid
    pid="$(head -n 1 "$DATA/postmaster.pid")"
    if ! kill -0 "$pid" 2>/dev/null || [ "$(ps -o stat= -p "$pid" | tr -d ' ')" = "Z" ]; then rm -f "$DATA/postmaster.pid"; fi
  fi
  as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o \
    "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c timezone=UTC -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  echo "$URL"
}

stop() {
  if [ -n "$(bindir)" ] && running; then as_owner "$(bindir)/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
}

case "${1:-}" in
  start) start ;;
  url) echo "$URL" ;;
  stop) stop ;;
  destroy)
    stop
    rm -rf "$DIR"
    ;;
  *)
    echo "usage: $0 start|url|stop|destroy" >&2
    exit 2
    ;;
esac
