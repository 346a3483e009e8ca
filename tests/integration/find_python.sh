#!/usr/bin/env bash
# Prints the absolute path of a python3 that can `import boto3`, and makes sure an `aws` CLI exists.
# Order: python3 on PATH, then /usr/bin/python3; if neither has boto3, installs Debian's
# python3-boto3 and prints /usr/bin/python3. Everything except the final path goes to stderr, so
# callers can use PY="$(find_python.sh)".
set -euo pipefail

apt_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  if [ -z "${_APT_UPDATED:-}" ]; then
    $sudo apt-get update >&2
    _APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "$@" >&2
}

has_boto3() { "$1" -c 'import boto3' >/dev/null 2>&1; }

PY=""
for cand in python3 /usr/bin/python3; do
  p="$(command -v "$cand" 2>/dev/null || true)"
  if [ -n "$p" ] && has_boto3 "$p"; then
    # Resolve shims (pyenv) to the interpreter itself.
    PY="$("$p" -c 'import sys; print(sys.executable)')"
    break
  fi
done

if [ -z "$PY" ]; then
  echo "find_python.sh: no python3 with boto3; installing Debian python3-boto3" >&2
  apt_install python3 python3-boto3
  PY=/usr/bin/python3
  if ! has_boto3 "$PY"; then
    echo "find_python.sh: $PY still cannot import boto3" >&2
    exit 1
  fi
fi

if ! aws --version >/dev/null 2>&1; then
  echo "find_python.sh: no working aws CLI; installing Debian awscli" >&2
  apt_install awscli
  if ! aws --version >/dev/null 2>&1; then
    echo "find_python.sh: aws CLI still missing after apt-get install awscli" >&2
    exit 1
  fi
fi

echo "$PY"
