#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the database tests.
#
#   scripts/pg.sh start   -> prints the DATABASE_URL on stdout (logs go to stderr)
#   scripts/pg.sh stop    -> stops the cluster and deletes its folder
#   scripts/pg.sh url     -> prints the DATABASE_URL of the running cluster
#
# The cluster lives in a mktemp folder under /tmp; its path is kept in a state file
# (/tmp/agora-pg-PORT.state) so that `stop` finds it. Role `app` (password `app`) owns the
# database `app_test`. Port: AGORA_PG_PORT (default 54329), on 127.0.0.1 only.
set -euo pipefail

PORT="${AGORA_PG_PORT:-54329}"
STATE="/tmp/agora-pg-${PORT}.state"
URL="postgres://app:app@127.0.0.1:${PORT}/app_test"

log() { printf '[pg] %s\n' "$*" >&2; }
die() { printf '[pg] ERROR: %s\n' "$*" >&2; exit 1; }

pg_bin() {
  if [ -x /usr/lib/postgresql/15/bin/initdb ]; then
    echo /usr/lib/postgresql/15/bin
    return
  fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  [ -n "$d" ] && [ -x "$d/initdb" ] || die "PostgreSQL server binaries not found (run scripts/install-deps.sh)"
  log "PostgreSQL 15 not found, using $d"
  echo "$d"
}

# Runs a server command as the `postgres` user when we are root (initdb refuses root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Failure after the cluster folder exists: report, remove the cluster, exit.
fail() { printf '[pg] ERROR: %s\n' "$*" >&2; do_stop || true; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local i
  for i in $(seq 100); do
    port_open "$1" && return 0
    sleep 0.2
  done
  return 1
}

do_stop() {
  [ -f "$STATE" ] || { log "no cluster recorded in $STATE"; return 0; }
  local dir bin
  dir="$(cat "$STATE")"
  bin="$(pg_bin)"
  if [ -d "$dir/pg" ] && as_pg "$bin/pg_ctl" -D "$dir/pg" status >/dev/null 2>&1; then
    log "stopping cluster $dir"
    as_pg "$bin/pg_ctl" -D "$dir/pg" -m fast -w -t 30 stop >/dev/null \
      || as_pg "$bin/pg_ctl" -D "$dir/pg" -m immediate -w -t 30 stop >/dev/null \
      || log "pg_ctl stop failed"
  fi
  case "$dir" in
    /tmp/agora-pg.*) rm -rf -- "$dir" ;;
    *) log "not deleting unexpected folder $dir" ;;
  esac
  rm -f -- "$STATE"
}

do_start() {
  if [ -f "$STATE" ]; then
    log "a previous cluster is recorded in $STATE: stopping it first"
    do_stop
  fi
  port_open "$PORT" && die "port $PORT already in use on 127.0.0.1 (set AGORA_PG_PORT)"

  local bin dir
  bin="$(pg_bin)"
  [ "$(id -u)" -ne 0 ] || id postgres >/dev/null 2>&1 || die "no postgres user (install postgresql)"
  dir="$(mktemp -d /tmp/agora-pg.XXXXXX)"
  chmod 755 "$dir"
  printf '%s\n' "$dir" >"$STATE"
  if [ "$(id -u)" -eq 0 ]; then
    install -d -o postgres -g postgres -m 700 "$dir/pg"
    install -o postgres -g postgres -m 644 /dev/null "$dir/server.log"
  else
    install -d -m 700 "$dir/pg"
    : >"$dir/server.log"
  fi

  log "initdb in $dir/pg"
  if ! as_pg "$bin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    fail "initdb failed"
  fi

  log "starting PostgreSQL on 127.0.0.1:$PORT"
  if ! as_pg "$bin/pg_ctl" -D "$dir/pg" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$dir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
    cat "$dir/server.log" >&2 || true
    fail "pg_ctl start failed"
  fi
  if ! wait_port "$PORT"; then
    cat "$dir/server.log" >&2 || true
    fail "PostgreSQL never answered on 127.0.0.1:$PORT"
  fi

  PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
    -c "CREATE ROLE app LOGIN PASSWORD 'app'" \
    -c "CREATE DATABASE app_test OWNER app" >&2 \
    || fail "could not create role/database"
  PGPASSWORD=app PGCONNECT_TIMEOUT=10 psql -X -q -v ON_ERROR_STOP=1 "$URL" -c 'SELECT 1' >/dev/null \
    || fail "cannot connect as app to $URL"
  log "ready: $URL (cluster $dir)"
  printf '%s\n' "$URL"
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  url)
    [ -f "$STATE" ] || die "no cluster running (no $STATE)"
    printf '%s\n' "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
