#!/usr/bin/env bash
# An SMTP sink for the tests: aiosmtpd (from .venv) on 127.0.0.1, writing every mail it
# receives into a Maildir (read it with Python's mailbox.Maildir).
#
#   scripts/smtp-sink.sh start [MAILDIR]  -> prints the Maildir path on stdout
#   scripts/smtp-sink.sh stop
#
# MAILDIR defaults to a new mktemp folder. Port: AGORA_SMTP_PORT (default 8025).
# The pid and Maildir are kept in /tmp/agora-smtp-PORT.state so that `stop` finds them.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${AGORA_SMTP_PORT:-8025}"
STATE="/tmp/agora-smtp-${PORT}.state"
PY="${AGORA_VENV:-$ROOT/.venv}/bin/python"

log() { printf '[smtp-sink] %s\n' "$*" >&2; }
die() { printf '[smtp-sink] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

do_stop() {
  [ -f "$STATE" ] || { log "no sink recorded in $STATE"; return 0; }
  local pid maildir i
  { read -r pid; read -r maildir; } <"$STATE" || true
  if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then
    log "stopping sink (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "sink did not stop, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f -- "$STATE"
}

do_start() {
  [ -x "$PY" ] || die "$PY not found: run scripts/install-deps.sh"
  if [ -f "$STATE" ]; then
    log "a previous sink is recorded in $STATE: stopping it first"
    do_stop
  fi
  port_open "$PORT" && die "port $PORT already in use on 127.0.0.1 (set AGORA_SMTP_PORT)"

  local maildir="${1:-}"
  if [ -z "$maildir" ]; then
    maildir="$(mktemp -d /tmp/agora-maildir.XXXXXX)"
  fi
  mkdir -p "$maildir/cur" "$maildir/new" "$maildir/tmp"
  maildir="$(cd "$maildir" && pwd)"
  local logfile="$maildir.smtp.log"

  # setsid: the sink outlives this script and is stopped by `stop` (pid in the state file).
  setsid "$PY" -m aiosmtpd -n -l "127.0.0.1:$PORT" -c aiosmtpd.handlers.Mailbox "$maildir" \
    </dev/null >"$logfile" 2>&1 &
  local pid=$!
  printf '%s\n%s\n' "$pid" "$maildir" >"$STATE"

  local i
  for i in $(seq 100); do
    port_open "$PORT" && break
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$logfile" >&2 || true
      rm -f -- "$STATE"
      die "aiosmtpd exited before listening"
    fi
    sleep 0.1
  done
  if ! port_open "$PORT"; then
    cat "$logfile" >&2 || true
    do_stop
    die "aiosmtpd never answered on 127.0.0.1:$PORT"
  fi
  log "listening on 127.0.0.1:$PORT (pid $pid), Maildir $maildir"
  printf '%s\n' "$maildir"
}

case "${1:-}" in
  start) shift; do_start "$@" ;;
  stop) do_stop ;;
  *) echo "usage: $0 start [MAILDIR] | stop" >&2; exit 2 ;;
esac
