#!/usr/bin/env bash
# Runs the @aws-sdk/client-chime checks with the machine's Node.js. Installs the locked
# dependencies (npm ci) when node_modules is missing. The server and keys come from the
# environment (see chime_sdk.test.mjs); tests/integration/test_auth_js.py sets them.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "tests/js/run.sh: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 2
fi
if [ ! -d node_modules/@aws-sdk/client-chime ]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
exec node --test --test-reporter=spec chime_sdk.test.mjs
