#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server from Debian's packages on loopback (installing them when missing) and prints
# its URL. Used by CI and by the benchmark so storage is exercised against a real server, not only the embedded one.
#   scripts/ci/start-postgres.sh [PORT]     (default 55432; data under /tmp/platform-pg-PORT)
set -euo pipefail
port=${1:-55432}
dir=/tmp/platform-pg-$port
log() { printf 'start-postgres: %s\n' "$*" >&2; }

# the major compose, Kubernetes and the embedded server run (packages/embedded-postgres has a test that they agree)
major=15
bin=/usr/lib/postgresql/$major/bin
if [ ! -x "$bin/initdb" ]; then
  log "installing postgresql-$major from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-$major" >/dev/null
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if ! as_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
  if [ ! -s "$dir/PG_VERSION" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_pg "$bin/initdb" -D "$dir" -U postgres --auth=trust >/dev/null
  fi
  as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200 -c fsync=off" start >/dev/null
  log "PostgreSQL running on 127.0.0.1:$port (data $dir)"
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
