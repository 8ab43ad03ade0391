#!/usr/bin/env bash
# Proves `npm run new:service` on a throwaway copy of this checkout (its tracked and untracked files, node_modules
# hard-linked): generates `widgets` (storage, GET /api/widgets) and `gadgets` (--no-storage --no-public-route), builds
# and typechecks everything, lints what was written, starts the platform as `npm start` does (ports moved by
# E2E_PORT_OFFSET, default 10000) and calls GET /api/widgets through the gateway, runs the new services' own tests and
# the generated end-to-end contract file, renders and checks the manifests (`npm run test:k8s`) and sees both
# services in compose and every overlay. The checkout itself is never written to; the copy is removed at the end.
#   scripts/ci/test-new-service.sh [--keep]    (--keep: leave the copy for a look, and say where)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
offset=${E2E_PORT_OFFSET:-10000}
keep=false
[ "${1:-}" = --keep ] && keep=true
work=$(mktemp -d "${TMPDIR:-/tmp}/new-service-XXXXXX")
# as root the embedded PostgreSQL runs as user postgres, which must be able to enter its data directory
chmod 755 "$work"
repo=$work/repo
launcher_pid=""

cleanup() {
  if [ -n "$launcher_pid" ] && kill -0 "$launcher_pid" 2>/dev/null; then
    kill -TERM "$launcher_pid" 2>/dev/null || true
    wait "$launcher_pid" 2>/dev/null || true
  fi
  if [ "$keep" = true ]; then echo "test-new-service: the copy stays in $repo" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
step() { printf '\n=== new:service: %s\n' "$*"; }
fail() { echo "test-new-service: $*" >&2; exit 1; }

step "a copy of the checkout in $repo"
mkdir -p "$repo"
(cd "$root" && git ls-files -z --cached --others --exclude-standard) | (cd "$root" && tar --null -T - -cf -) | tar -xf - -C "$repo"
# node_modules and turbo's cache hard-linked (seconds, no disk); what tools rewrite in place is copied instead, so
# nothing done in the copy reaches the checkout's files
while IFS= read -r -d '' modules; do
  mkdir -p "$repo/$(dirname "$modules")"
  cp -al "$root/$modules" "$repo/$modules"
done < <(cd "$root" && find . -name node_modules -type d -prune -not -path '*/node_modules/*/node_modules' -print0)
find "$repo" -path '*/node_modules/.package-lock.json' -exec sh -c 'cp --remove-destination "$(readlink -f "$1")" "$1.tmp" && mv "$1.tmp" "$1"' _ {} \;
find "$repo" -path '*/node_modules/*' \( -name .vite -o -name .vite-temp -o -name .cache \) -type d -prune -exec rm -rf {} +
[ -d "$root/.turbo" ] && cp -al "$root/.turbo" "$repo/.turbo"
cd "$repo"
git init -q && git add -A && git -c user.name=ci -c user.email=ci@localhost commit -qm base

step "npm run new:service -- widgets, and gadgets --no-storage --no-public-route"
npm run new:service -- widgets
npm run new:service -- gadgets --no-storage --no-public-route
if npm run new:service -- widgets >"$work/again.log" 2>&1; then fail "a second widgets was accepted"; fi
grep -q '"widgets" is taken' "$work/again.log" || fail "a second widgets was refused without saying why: $(cat "$work/again.log")"
git status --short
node packages/topology/bin/topology.mjs names | grep -qx widgets || fail "widgets is not in the list of services"

step "build, typecheck and lint of everything"
npx turbo run build typecheck lint --output-logs=errors-only
npx biome check .

step "the new services' own tests"
npm test -w @platform/widgets
npm test -w @platform/gadgets
(cd services/gateway && npx vitest run test/openapi-lint.test.ts)
npm test -w @platform/topology

step "npm start (ports + $offset) serves GET /api/widgets through the gateway"
export DATA_DIR=$work/data EMBEDDED_POSTGRES_PORT=0 PLATFORM_PORT_OFFSET=$offset
node packages/launcher/dist/main.js >"$work/platform.log" 2>&1 &
launcher_pid=$!
for _ in $(seq 1 180); do
  grep -q 'Platform ready' "$work/platform.log" && break
  kill -0 "$launcher_pid" 2>/dev/null || { cat "$work/platform.log"; fail "npm start exited"; }
  sleep 1
done
grep -q 'Platform ready' "$work/platform.log" || { tail -50 "$work/platform.log"; fail "the platform was not ready in 180 s"; }
grep -q '^widgets *|' "$work/platform.log" || fail "the launcher did not start widgets"
answer=$(curl -sS -w '\n%{http_code}' "http://127.0.0.1:$((8080 + offset))/api/widgets")
echo "$answer"
[ "$(tail -n 1 <<<"$answer")" = 200 ] || fail "GET /api/widgets answered $(tail -n 1 <<<"$answer")"
grep -q '"items":\[' <<<"$answer" || fail "GET /api/widgets answered no items list"
kill -TERM "$launcher_pid"
wait "$launcher_pid" || fail "npm start did not stop cleanly"
launcher_pid=""
unset DATA_DIR EMBEDDED_POSTGRES_PORT PLATFORM_PORT_OFFSET

step "the generated end-to-end contract file"
(cd e2e && npx vitest run test/widgets.contract.test.ts)

step "npm run test:k8s, and both services in compose and every overlay"
npm run test:k8s
node --input-type=module -e "
  import { readFileSync } from 'node:fs';
  import { parse } from 'yaml';
  const services = Object.keys(parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }).services);
  for (const name of ['widgets', 'gadgets']) if (!services.includes(name)) throw new Error('compose has no ' + name);
"
bash scripts/k8s/make-secrets.sh >/dev/null 2>&1
for overlay in k8s/overlays/* istio/overlays/*; do
  rendered=$(kubectl kustomize "$overlay")
  for name in widgets gadgets; do
    grep -q "^  name: $name$" <<<"$rendered" || fail "$overlay has no $name"
  done
  echo "$overlay: widgets and gadgets"
done

step "passed"
