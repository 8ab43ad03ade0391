#!/usr/bin/env bash
# `npm run test:registry`: the publishing path proven against a real registry and Docker engine
# (scripts/images/registry.test.mjs): push every service image under the commit SHA, refuse to overwrite a tag,
# pull by digest and run, pin the digests with kustomize. Needs docker, kubectl, and Debian's docker-registry
# (installed when missing, as root or with sudo).
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! docker info >/dev/null 2>&1; then
  echo "test:registry: no Docker engine answers (docker info failed); start one and run this again." >&2
  exit 1
fi
if ! command -v kubectl >/dev/null 2>&1; then
  echo "test:registry: kubectl is needed to render the digest component (kubectl kustomize)." >&2
  exit 1
fi
exec npx vitest run --config scripts/images/vitest.config.mjs
