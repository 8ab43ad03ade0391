#!/usr/bin/env bash
# Creates the files the kustomize secretGenerator in k8s/base turns into Secrets: the JWT signing keys, one
# PostgreSQL password (and DATABASE_URL) per service, and each service client's secret (orders, which proves itself to
# catalog with a client-credentials token) with auth's registry of their SHA-256 hashes. They never leave the
# machine: k8s/base/secrets/ is gitignored.
#
#   scripts/k8s/make-secrets.sh [DIR]              create what is missing (default DIR: k8s/base/secrets)
#   scripts/k8s/make-secrets.sh rotate-jwt [DIR]   the current signing key becomes the previous one, a new one signs
#
# Existing files are kept, so running it again changes nothing and a redeploy keeps the same passwords (the
# database only takes them on its first start).
set -euo pipefail
umask 077

root=$(cd "$(dirname "$0")/../.." && pwd)
command=create
if [ "${1:-}" = rotate-jwt ]; then command=rotate; shift; fi
dir=${1:-$root/k8s/base/secrets}
namespace=${K8S_NAMESPACE:-platform}
services=(auth catalog orders)

command -v openssl >/dev/null 2>&1 || { echo "make-secrets: openssl is required" >&2; exit 1; }
mkdir -p "$dir"

new_key() {
  # ES256 (P-256) signing key, PKCS#8 PEM, as compose's; auth also takes RSA >= 2048 bits (RS256)
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}
new_password() {
  # hex so it needs no escaping inside a URL or SQL
  openssl rand -hex 24 | tr -d '\n' >"$1"
}
new_client_secret() {
  # 256 bits, base64url, as the launcher and compose's secrets-init make them
  openssl rand -base64 32 | tr -d '\n=' | tr '+/' '-_' >"$1"
}

if [ "$command" = rotate ]; then
  [ -f "$dir/jwt-signing-key.pem" ] || { echo "make-secrets: no current key in $dir to rotate" >&2; exit 1; }
  mv "$dir/jwt-signing-key.pem" "$dir/jwt-previous-key.pem"
  new_key "$dir/jwt-signing-key.pem"
  echo "make-secrets: rotated the JWT signing key in $dir; apply the overlay again to roll auth" >&2
  exit 0
fi

[ -f "$dir/jwt-signing-key.pem" ] || new_key "$dir/jwt-signing-key.pem"
# The JWKS always lists two keys; before the first rotation the "previous" one has simply never signed anything.
[ -f "$dir/jwt-previous-key.pem" ] || new_key "$dir/jwt-previous-key.pem"
[ -f "$dir/postgres-password.txt" ] || new_password "$dir/postgres-password.txt"
for service in "${services[@]}"; do
  [ -f "$dir/$service-db-password.txt" ] || new_password "$dir/$service-db-password.txt"
  url="postgres://$service:$(cat "$dir/$service-db-password.txt")@postgres.$namespace.svc.cluster.local:5432/$service"
  printf '%s' "$url" >"$dir/$service-database-url.txt"
done
# service clients of auth's client-credentials grant: client id and the audiences its tokens may have
clients=("orders catalog")
registry=""
for entry in "${clients[@]}"; do
  read -r client audiences <<<"$entry"
  [ -f "$dir/$client-client-secret.txt" ] || new_client_secret "$dir/$client-client-secret.txt"
  hash=$(openssl dgst -sha256 -r <"$dir/$client-client-secret.txt" | cut -d' ' -f1)
  registry+="${registry:+,}{\"client_id\":\"$client\",\"client_secret_sha256\":\"$hash\",\"audiences\":[\"${audiences// /\",\"}\"]}"
done
printf '[%s]\n' "$registry" >"$dir/auth-oauth-clients.json"
echo "make-secrets: secrets ready in $dir" >&2
