#!/usr/bin/env bash
# Starts a throwaway container registry, Debian's docker-registry (the CNCF distribution registry 2.8), on loopback
# (installing it when missing), and prints its address. Docker treats a loopback registry as insecure (plain HTTP)
# without any daemon setting. Stop it with: kill "$(cat /tmp/platform-registry-PORT/pid)".
#   scripts/ci/start-registry.sh [PORT]     (default 5000; storage and config under /tmp/platform-registry-PORT)
set -euo pipefail
port=${1:-5000}
dir=/tmp/platform-registry-$port
log() { printf 'start-registry: %s\n' "$*" >&2; }

if ! command -v docker-registry >/dev/null 2>&1; then
  log "installing docker-registry from Debian"
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq docker-registry >/dev/null
fi

if [ -s "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
  echo "127.0.0.1:$port"
  exit 0
fi
mkdir -p "$dir/storage"
cat >"$dir/config.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
YAML
nohup docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
echo $! >"$dir/pid"
for _ in $(seq 1 50); do
  if curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then
    log "registry running on 127.0.0.1:$port (storage $dir/storage)"
    echo "127.0.0.1:$port"
    exit 0
  fi
  sleep 0.2
done
log "the registry did not answer on 127.0.0.1:$port; its log:"
cat "$dir/registry.log" >&2
exit 1
