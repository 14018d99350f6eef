#!/usr/bin/env bash
# Browser tests against the real server. Never builds: the binary must exist.
#
#   AGORA_BIN        app binary (default .build/debug/agora)
#   AGORA_E2E_PORT   HTTP port of the app (default 8089)
#   AGORA_SMTP_PORT  port of the SMTP sink (default 8025)
#   AGORA_E2E_KEEP=1 keep the temp folder (data dir, Maildir, server log) afterwards
#   extra arguments are passed to pytest (e.g. scripts/e2e.sh -k journey -x)
#
# Starts the SMTP sink, runs `agora demo` then `agora serve` on a fresh data dir, waits for
# /healthz, runs `.venv/bin/pytest e2e`, and stops everything on exit, even on failure
# (printing the tail of the server log when something failed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BIN="${AGORA_BIN:-.build/debug/agora}"
PORT="${AGORA_E2E_PORT:-8089}"
SMTP_PORT="${AGORA_SMTP_PORT:-8025}"
BASE_URL="http://127.0.0.1:${PORT}"
export AGORA_SMTP_PORT="$SMTP_PORT"

log() { printf '[e2e] %s\n' "$*" >&2; }
die() { printf '[e2e] ERROR: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
[ -x "$BIN" ] || die "app binary $BIN not found or not executable (build it first: swift build)"
[ -x .venv/bin/pytest ] || die ".venv/bin/pytest not found: run scripts/install-deps.sh"
port_open "$PORT" && die "port $PORT already in use on 127.0.0.1 (set AGORA_E2E_PORT)"

WORK="$(mktemp -d /tmp/agora-e2e.XXXXXX)"
DATA_DIR="$WORK/data"
MAILDIR="$WORK/maildir"
SERVER_LOG="$WORK/server.log"
ARTIFACTS="$ROOT/e2e/artifacts"
mkdir -p "$DATA_DIR"
: >"$SERVER_LOG"
SERVER_PID=""
SINK_STARTED=0

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    local i
    for i in $(seq 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "server did not stop on SIGTERM, killing it"
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  stop_server
  [ "$SINK_STARTED" = 1 ] && scripts/smtp-sink.sh stop
  mkdir -p "$ARTIFACTS" && cp -f "$SERVER_LOG" "$ARTIFACTS/server.log" 2>/dev/null
  if [ "$rc" -ne 0 ]; then
    log "FAILED (exit $rc). Last lines of the server log ($ARTIFACTS/server.log):"
    tail -n 120 "$SERVER_LOG" >&2
  fi
  if [ "${AGORA_E2E_KEEP:-0}" = 1 ]; then
    log "kept $WORK"
  else
    rm -rf -- "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

scripts/smtp-sink.sh start "$MAILDIR" >/dev/null
SINK_STARTED=1

export AGORA_DATA_DIR="$DATA_DIR"
export AGORA_BASE_URL="$BASE_URL"
export SMTP_HOST=127.0.0.1
export SMTP_PORT="$SMTP_PORT"
export SMTP_FROM=agora@example.org
export SMTP_TLS=none
export AGORA_ENV=testing
export AGORA_MAIL_POLL_MS=200
# The suite signs up and fails logins from one address (127.0.0.1) within a minute or two;
# rate limits are unit-tested, here they must not get in the way as the suite grows.
export AGORA_LOGIN_LIMIT="${AGORA_LOGIN_LIMIT:-1000}"
export AGORA_SIGNUP_LIMIT="${AGORA_SIGNUP_LIMIT:-1000}"
# The lowest Bcrypt cost: a debug build hashes slowly, and the suite hashes a lot.
export AGORA_BCRYPT_COST="${AGORA_BCRYPT_COST:-4}"

log "seeding demo data: $BIN demo"
if ! "$BIN" demo >>"$SERVER_LOG" 2>&1 </dev/null; then
  die "'agora demo' failed"
fi

log "starting $BIN serve on $BASE_URL"
"$BIN" serve --hostname 127.0.0.1 --port "$PORT" >>"$SERVER_LOG" 2>&1 </dev/null &
SERVER_PID=$!

up=0
for i in $(seq 150); do  # up to 30 s
  if curl -fsS -o /dev/null --max-time 2 "$BASE_URL/healthz" 2>/dev/null; then
    up=1
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited before answering /healthz"
  sleep 0.2
done
[ "$up" = 1 ] || die "the server never answered $BASE_URL/healthz"
log "server is up (pid $SERVER_PID)"

rm -rf -- "$ARTIFACTS"
mkdir -p "$ARTIFACTS"

set +e
AGORA_BIN="$BIN" AGORA_E2E_BASE_URL="$BASE_URL" AGORA_E2E_MAILDIR="$MAILDIR" \
  .venv/bin/pytest e2e -q -p no:cacheprovider "$@" </dev/null
rc=$?
set -e
kill -0 "$SERVER_PID" 2>/dev/null || { log "the server died during the tests"; [ "$rc" -ne 0 ] || rc=1; }
exit "$rc"
