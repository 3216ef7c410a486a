#!/usr/bin/env bash
# Prepare this checkout to run: the Debian packages the app needs, then .venv with the pinned
# Python requirements. Safe to run again: it installs only what is missing, and pip runs only
# when the requirements files changed since the last successful install.
#
#   scripts/setup.sh                 everything for development and tests (requirements-dev.txt)
#   scripts/setup.sh --runtime-only  what serving needs (requirements.txt, no browser); for Docker
#
# libcairo2 is what cairosvg draws PNG, PDF and GIF frames with.
# Run as root, or as a user with sudo (used only for apt-get). PYTHON picks the interpreter that
# creates .venv (default python3, which must be 3.11 or later).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

runtime_only=0
for arg in "$@"; do
    case "$arg" in
        --runtime-only) runtime_only=1 ;;
        -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
    esac
done

PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
STAMP="$VENV/.requirements.sha256"
if (( runtime_only )); then
    requirements=(requirements.txt constraints.txt)
    packages=(graphviz fonts-noto-cjk libcairo2 libseccomp2)
else
    # requirements-dev.txt includes requirements.txt, so both go into the stamp.
    requirements=(requirements-dev.txt requirements.txt constraints.txt)
    # redis-server: tests/http/test_shared_rate_limits.py starts one of its own.
    packages=(graphviz fonts-noto-cjk libcairo2 libseccomp2 chromium redis-server)
fi

# Two runs at once (say `./app.sh test` in two terminals) must not race in apt or pip:
# hold a lock on this script's own file while working.
exec 9<"${BASH_SOURCE[0]}"
flock 9

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "setup.sh: need root or sudo to run: $*" >&2
        exit 1
    fi
}

missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# Debian's own python3 lacks ensurepip until python3-venv is installed; other Pythons
# (the python:3.11 image, pyenv) carry it already.
if ! command -v "$PYTHON" >/dev/null || ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi
if (( ${#missing[@]} )); then
    echo "setup.sh: installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "setup.sh: $PYTHON is $("$PYTHON" -V 2>&1); Python 3.11 or later is needed" >&2
    exit 1
fi
if [[ ! -x "$VENV/bin/python" ]]; then
    echo "setup.sh: creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi

wanted="$(cat "${requirements[@]}" | sha256sum | cut -d' ' -f1) ${requirements[0]}"
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$wanted" ]]; then
    echo "setup.sh: installing ${requirements[0]} into .venv"
    "$VENV/bin/python" -m pip install -q -r "${requirements[0]}"
    # Written only after pip succeeded, so a failed install is retried next time.
    echo "$wanted" >"$STAMP"
fi
