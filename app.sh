#!/usr/bin/env bash
# The two commands of the README. Each first runs scripts/setup.sh (quick when nothing changed).
#
#   ./app.sh serve [gunicorn args]   serve the app on http://127.0.0.1:8000 (see gunicorn.conf.py)
#   ./app.sh test [pytest args]      check the import contracts (.importlinter), then run the
#                                    test suite
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

command="${1:-}"
shift || true
case "$command" in
    serve)
        scripts/setup.sh
        exec .venv/bin/gunicorn -c gunicorn.conf.py "$@" "webapp:create_app()"
        ;;
    test)
        scripts/setup.sh
        .venv/bin/lint-imports --no-cache
        exec .venv/bin/python -m pytest "$@"
        ;;
    *)
        sed -n '2,6p' "$0" >&2
        exit 2
        ;;
esac
