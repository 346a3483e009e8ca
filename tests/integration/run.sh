#!/usr/bin/env bash
# Runs integration test modules: run.sh test_accounts [test_users ...]
# Needs CHIMED_BIN (path of the chimed binary); CTest sets it. Optional CHIMED_TEST_LOG_DIR keeps
# every server log of the run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -z "${CHIMED_BIN:-}" ]; then
  echo "run.sh: set CHIMED_BIN to the chimed binary" >&2
  exit 2
fi
if [ ! -x "$CHIMED_BIN" ]; then
  echo "run.sh: CHIMED_BIN=$CHIMED_BIN is not an executable file" >&2
  exit 2
fi
PY="$("$here/find_python.sh")"
cd "$here"
export PYTHONDONTWRITEBYTECODE=1
if [ "$#" -eq 0 ]; then
  exec "$PY" -m unittest discover -v -s "$here" -p 'test_*.py'
fi
exec "$PY" -m unittest -v "$@"
