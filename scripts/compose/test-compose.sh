#!/usr/bin/env bash
# `npm run test:compose`: the platform as docker compose runs it, proven end to end. Builds the images (each build runs
# the service's tests), brings the stack up (secrets-init generates its secrets into new volumes), waits until every
# container is healthy, runs the contract suite against the published gateway and the storefront's browser journey
# (Debian's Chromium) against the published shop, then the container checks of e2e/compose (non-root, read-only root,
# a domain service killed and started again without losing an order), then the `load` profile: the load generator's
# steady traffic (e2e/load), then scales auth, catalog and orders to two replicas and restarts each replica in turn
# under load (e2e/replicas: no request may fail), and always takes the stack down with its volumes.
#
# Env: GATEWAY_PORT (8080), STOREFRONT_PORT (8082), POSTGRES_IMAGE (postgres:15-bookworm), COMPOSE_PROJECT_NAME
#      (platform-test), TAG (dev: the images' tag, platform/<name>:$TAG), HEALTH_TIMEOUT_SECONDS (180),
#      TEST_COMPOSE_BUILD (1; 0 uses the platform/*:$TAG images already built), CHROMIUM_PATH (/usr/bin/chromium),
#      RATE_LIMIT_MAX and CREDENTIALS_RATE_LIMIT_MAX (the gateway's, 100000 here).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

log() { printf '\ntest:compose: %s\n' "$*" >&2; }
fail() { printf 'test:compose: %s\n' "$*" >&2; exit 1; }

if ! command -v docker >/dev/null 2>&1; then
  fail "no docker command on this machine. Install Docker (Engine 20.10+ with compose v2 or docker-compose 1.29) and run this again."
fi
if ! docker info >/dev/null 2>&1; then
  fail "no Docker engine answers (docker info failed: is the daemon started, and may this user reach its socket?). Start it and run this again."
fi
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  fail "neither 'docker compose' (v2) nor 'docker-compose' (1.29) is installed."
fi

export COMPOSE_PROJECT_NAME=${COMPOSE_PROJECT_NAME:-platform-test}
export GATEWAY_PORT=${GATEWAY_PORT:-8080}
export STOREFRONT_PORT=${STOREFRONT_PORT:-8082}
export TAG=${TAG:-dev}
# the suites are one client making many logins and orders at once: the per-client limits would answer them 429
# (the limits themselves are tested in npm test)
export RATE_LIMIT_MAX=${RATE_LIMIT_MAX:-0} CREDENTIALS_RATE_LIMIT_MAX=${CREDENTIALS_RATE_LIMIT_MAX:-0}
base_url=http://127.0.0.1:$GATEWAY_PORT
shop_url=http://127.0.0.1:$STOREFRONT_PORT
timeout=${HEALTH_TIMEOUT_SECONDS:-180}
status=0

if [ "${TEST_COMPOSE_BUILD:-1}" != 0 ]; then
  log "building the images with ${compose[*]} (each build runs its service's tests), the load generator's included"
  "${compose[@]}" --profile load build || fail "an image did not build (a failing test fails its image)"
fi

log "image sizes"
docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' | grep '^platform/' | sort

# shellcheck disable=SC2317  # called by the EXIT trap below
down() {
  log "taking the stack down with its volumes"
  "${compose[@]}" --profile load down --volumes --remove-orphans >/dev/null 2>&1 || true
}
trap down EXIT
# a stack left by an interrupted run would keep its old database
"${compose[@]}" --profile load down --volumes --remove-orphans >/dev/null 2>&1 || true

log "starting the stack as project $COMPOSE_PROJECT_NAME"
started=$(date +%s.%N)
"${compose[@]}" up -d --no-build || fail "docker compose up failed"

# secrets-init is a one-shot that must have exited 0 ('up' waits for it before starting anything that needs a secret)
one_shot=secrets-init
init_state=$(docker ps -a --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
  --filter "label=com.docker.compose.service=$one_shot" --format '{{.Status}}')
if [[ "$init_state" != "Exited (0)"* ]]; then
  "${compose[@]}" logs "$one_shot" >&2
  fail "$one_shot did not generate the secrets (state: ${init_state:-no container})"
fi

# healthy = every long-running container of the project reports healthy (compose's healthchecks probe /readyz)
wait_healthy() {
  local since=$1
  while :; do
    states=$(docker ps -a --filter "label=com.docker.compose.project=$COMPOSE_PROJECT_NAME" \
      --format '{{.Label "com.docker.compose.service"}}={{.Status}}' | grep -v "^$one_shot=")
    if [ -n "$states" ] && ! grep -qv '(healthy)' <<<"$states"; then break; fi
    elapsed=$(awk "BEGIN { print $(date +%s.%N) - $since }")
    if awk "BEGIN { exit !($elapsed > $timeout) }"; then
      printf '%s\n' "$states" >&2
      "${compose[@]}" logs --tail 40 >&2
      fail "the stack was not healthy after ${timeout}s"
    fi
    sleep 0.5
  done
  log "all $(wc -l <<<"$states") containers healthy $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $since }") s after 'up'"
  printf '%s\n' "$states" | sort >&2
}
wait_healthy "$started"

export E2E_BASE_URL=$base_url
log "contract suite against $E2E_BASE_URL"
(cd e2e && npx vitest run --config vitest.remote.config.ts) || status=1

log "the storefront's browser journey against $shop_url (e2e/test/browser/journey.test.ts)"
if bash scripts/test/ensure-chromium.sh; then
  (cd e2e && E2E_STOREFRONT_URL=$shop_url npx vitest run --config vitest.browser.config.ts) || status=1
else
  status=1
fi

log "container checks (e2e/compose)"
E2E_COMPOSE_PROJECT=$COMPOSE_PROJECT_NAME npx vitest run --config e2e/vitest.compose.config.ts || status=1

log "the load profile: the load generator's steady traffic (e2e/load)"
loaded=$(date +%s.%N)
"${compose[@]}" --profile load up -d --no-build --no-recreate loadgen || fail "starting the load generator failed"
wait_healthy "$loaded"
E2E_COMPOSE_PROJECT=$COMPOSE_PROJECT_NAME npx vitest run --config e2e/vitest.load.config.ts || status=1
# the replicas' check below measures its own traffic alone
"${compose[@]}" --profile load rm --stop --force loadgen >/dev/null 2>&1 || true

log "two replicas of auth, catalog and orders, each restarted in turn under load (e2e/replicas)"
scaled=$(date +%s.%N)
"${compose[@]}" up -d --no-build --no-recreate --scale auth=2 --scale catalog=2 --scale orders=2 \
  || fail "scaling to two replicas failed"
wait_healthy "$scaled"
E2E_COMPOSE_PROJECT=$COMPOSE_PROJECT_NAME npx vitest run --config e2e/vitest.replicas.config.ts || status=1

if [ "$status" != 0 ]; then
  log "a suite failed; the last log lines of every service:"
  "${compose[@]}" logs --tail 40 >&2
fi
exit $status
