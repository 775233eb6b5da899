#!/usr/bin/env bash
# Dramatis setup: installs what a fresh machine lacks, then builds stories/ (or runs the tests).
#
#   ./setup.sh          system packages (espeak-ng, ffmpeg), .venv, Dramatis; builds stories/ -> audio/
#   ./setup.sh test     the same plus test tools; runs ruff, mypy and the test suite
#
# Safe to run again: every step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-build}"
case "$mode" in build|test) ;; *) echo "usage: ./setup.sh [build|test]" >&2; exit 2 ;; esac

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_system_packages() {
  local missing=()
  command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
  command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing ${missing[*]}"
  if command -v apt-get >/dev/null 2>&1; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  elif command -v dnf >/dev/null 2>&1; then
    as_root dnf install -y "${missing[@]}"
  elif command -v pacman >/dev/null 2>&1; then
    as_root pacman -S --noconfirm --needed "${missing[@]}"
  elif command -v zypper >/dev/null 2>&1; then
    as_root zypper --non-interactive install "${missing[@]}"
  elif command -v brew >/dev/null 2>&1; then
    # macOS speaks through NSSpeech; espeak-ng is only needed for the espeak-ng engine.
    brew install ffmpeg espeak-ng
  else
    echo "setup.sh: please install ${missing[*]} with your system's package manager, then re-run" >&2
    exit 1
  fi
}

install_system_packages
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  say "Creating .venv"
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    # Debian and Ubuntu ship venv separately from python3.
    if command -v apt-get >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
    fi
    "$PY" -m venv .venv
  fi
fi
extra=""
[ "$mode" = test ] && extra="[test,neural]"  # CI tests the optional Kokoro engine too
say "Installing Dramatis into .venv"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".${extra}"

if [ "$mode" = test ]; then
  say "Checking style (ruff)"
  .venv/bin/ruff check src tests benchmarks
  say "Checking types (mypy; settings in pyproject.toml)"
  .venv/bin/mypy src
  say "Running the tests"
  exec .venv/bin/python -m pytest -p no:cacheprovider
fi
say "Building the audiobooks in stories/ (output in audio/)"
exec .venv/bin/dramatis build stories
