#!/usr/bin/env bash
# Creates the files the kustomize secretGenerator in k8s/base turns into Secrets: auth's JWT key ring, one
# PostgreSQL password (and DATABASE_URL) per service, and each service client's secret (orders, which proves itself to
# catalog with a client-credentials token) with auth's registry of their SHA-256 hashes. They never leave the
# machine: k8s/base/secrets/ is gitignored.
#
#   scripts/k8s/make-secrets.sh [DIR]                           create what is missing (default DIR: k8s/base/secrets)
#   scripts/k8s/make-secrets.sh rotate-jwt [--emergency] [DIR]  one rotation step of the JWT key ring
#
# The key ring (services/auth/README.md, "Key rotation"): the next key is published in the JWKS before it signs
# anything, so every verifier (Istio's edge keeps the JWKS 5 minutes and does not refetch for an unknown kid) has it
# by the time it does. Files, and what the jwt-signing-keys Secret gets of them:
#   jwt-current-key.pem       -> current.pem   private: the key auth signs with
#   jwt-next-key.pem                           private: stays here, auth never sees it (so an emergency rotation
#                                              promotes a key that cannot have leaked with auth's)
#   jwt-next-key.pub.pem      -> next.pem      its public half, published
#   jwt-previous-key.pub.pem  -> previous.pem  public half of the key before, "Retired-At:" first; empty when none
#
# rotate-jwt: next becomes current, current becomes previous (its public half), a new next is made. Refused while the
# previous key is still published (ACCESS_TOKEN_TTL_SECONDS + 60 s after its retirement; auth withdraws it by itself
# then) or while the next key is younger than 5 minutes, so no verifier can lack it. --emergency withdraws the current
# key at once (it may have leaked): tokens it signed stop working within the verifiers' 5-minute JWKS cache.
# Existing files are kept, so running it again changes nothing and a redeploy keeps the same passwords (the database
# only takes them on its first start).
set -euo pipefail
umask 077

root=$(cd "$(dirname "$0")/../.." && pwd)
command=create
emergency=false
if [ "${1:-}" = rotate-jwt ]; then
  command=rotate
  shift
  if [ "${1:-}" = --emergency ]; then emergency=true; shift; fi
fi
dir=${1:-$root/k8s/base/secrets}
namespace=${K8S_NAMESPACE:-platform}
services=(auth catalog orders storefront)
# how long verifiers keep a JWKS (auth-kit, Istio), and how long the previous key stays published
jwks_cache_seconds=300
previous_published_seconds=$(( ${ACCESS_TOKEN_TTL_SECONDS:-900} + 60 ))

command -v openssl >/dev/null 2>&1 || { echo "make-secrets: openssl is required" >&2; exit 1; }
mkdir -p "$dir"
current=$dir/jwt-current-key.pem
next=$dir/jwt-next-key.pem
next_public=$dir/jwt-next-key.pub.pem
previous=$dir/jwt-previous-key.pub.pem

new_key() {
  # ES256 (P-256) signing key, PKCS#8 PEM, as compose's; auth also takes RSA >= 2048 bits (RS256)
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.tmp" 2>/dev/null
  mv "$1.tmp" "$1"
}
public_half() {
  openssl pkey -in "$1" -pubout
}
# previous.pem: the retirement time, then the public key (auth refuses a private key there)
retire() {
  { printf 'Retired-At: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"; public_half "$1"; } >"$previous.tmp"
  mv "$previous.tmp" "$previous"
}
new_password() {
  # hex so it needs no escaping inside a URL or SQL
  openssl rand -hex 24 | tr -d '\n' >"$1"
}
new_client_secret() {
  # 256 bits, base64url, as the launcher and compose's secrets-init make them
  openssl rand -base64 32 | tr -d '\n=' | tr '+/' '-_' >"$1"
}
fail() { echo "make-secrets: $*" >&2; exit 1; }

# the layout before the key ring: a signing key and a private "previous" key
if [ -f "$dir/jwt-signing-key.pem" ] && [ ! -f "$current" ]; then
  mv "$dir/jwt-signing-key.pem" "$current"
  if [ -f "$dir/jwt-previous-key.pem" ]; then retire "$dir/jwt-previous-key.pem"; rm -f "$dir/jwt-previous-key.pem"; fi
  echo "make-secrets: moved the JWT keys of $dir to the key ring layout" >&2
fi

if [ "$command" = rotate ]; then
  if [ ! -f "$current" ] || [ ! -f "$next" ]; then fail "no key ring in $dir to rotate (run make-secrets.sh first)"; fi
  now=$(date +%s)
  if [ "$emergency" = false ]; then
    if [ -s "$previous" ]; then
      retired_at=$(sed -n 's/^Retired-At:[[:space:]]*//p' "$previous" | head -n 1)
      withdrawn=$(( $(date -d "$retired_at" +%s) + previous_published_seconds ))
      [ "$now" -ge "$withdrawn" ] ||
        fail "the previous key is published until $(date -u -d "@$withdrawn" +%Y-%m-%dT%H:%M:%SZ) for the tokens it signed; rotate after that, or use --emergency"
    fi
    ready=$(( $(stat -c %Y "$next") + jwks_cache_seconds ))
    [ "$now" -ge "$ready" ] ||
      fail "the next key was made less than ${jwks_cache_seconds} s ago; apply it first and rotate after $(date -u -d "@$ready" +%Y-%m-%dT%H:%M:%SZ), so every verifier has it"
    retire "$current"
  else
    : >"$previous"
  fi
  mv "$next" "$current"
  new_key "$next"
  public_half "$next" >"$next_public"
  echo "make-secrets: rotated the JWT key ring in $dir$([ "$emergency" = true ] && echo ' (emergency: the old key is withdrawn)'); apply the overlay again to roll auth" >&2
  exit 0
fi

[ -f "$current" ] || new_key "$current"
[ -f "$next" ] || new_key "$next"
[ -f "$next_public" ] || public_half "$next" >"$next_public"
# the Secret always has a previous.pem entry; empty until the first rotation
[ -f "$previous" ] || : >"$previous"
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
