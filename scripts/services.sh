#!/usr/bin/env bash
# Make sure the servers the tests talk to are up: Redis (the tests also start private
# redis-server processes for kill/restart tests) and PostgreSQL. Starts them when installed
# but not running; says how to install them when missing. With CI=true a missing server fails.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
missing=0

if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server is not installed (Debian/Ubuntu: sudo apt-get install redis-server)" >&2
  missing=1
elif ! up 6379; then
  echo "starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir "${TMPDIR:-/tmp}" --logfile "${TMPDIR:-/tmp}/goodwill-redis.log"
fi

if [ -z "${TEST_POSTGRES_URL:-}" ] && ! up 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql >/dev/null 2>&1; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432 (Debian/Ubuntu: sudo apt-get install postgresql;" >&2
    echo "  or set TEST_POSTGRES_URL=postgresql+psycopg://USER@HOST:PORT/DB)" >&2
    missing=1
  fi
fi

# Chromium for the browser tests (tests/ui/test_browser.py): Debian's package, never a downloaded
# browser. Installed when missing on CI or where apt-get runs as root; elsewhere those tests skip.
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ "${CI:-}" = "true" ]; }; then
    as_root=""
    [ "$(id -u)" = 0 ] || as_root="sudo -n"
    echo "installing chromium (Debian package) for the browser tests"
    if ! { $as_root apt-get update -qq && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null; then
      echo "could not install chromium (Debian/Ubuntu: sudo apt-get install chromium)" >&2
      missing=1
    fi
  else
    echo "chromium is not installed: the browser tests will skip (Debian/Ubuntu: sudo apt-get install chromium)" >&2
  fi
fi

if [ "$missing" = 1 ] && [ "${CI:-}" = "true" ]; then
  echo "CI=true: the servers above are required" >&2
  exit 1
fi
exit 0
