#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster (scripts/pg.sh) whose URL is exported as
# AGORA_TEST_DATABASE_URL; the cluster is stopped when the command ends, whatever happens.
#   scripts/with-pg.sh swift test --skip-build --filter AppTests
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARGS...]" >&2; exit 2; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  "$ROOT/scripts/pg.sh" stop || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

url="$("$ROOT/scripts/pg.sh" start)"
[ -n "$url" ] || { echo "[with-pg] ERROR: pg.sh start printed no URL" >&2; exit 1; }
export AGORA_TEST_DATABASE_URL="$url"
echo "[with-pg] AGORA_TEST_DATABASE_URL=$url: $*" >&2
set +e
"$@"
rc=$?
set -e
exit "$rc"
