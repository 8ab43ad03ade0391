#!/usr/bin/env bash
# Creates what docker-compose.yml reads from compose/secrets/ (gitignored, never in an image: .dockerignore drops it):
# the JWT signing keys (compose secrets) and the PostgreSQL passwords, as env files: postgres.env for the server and
# its init script, and <service>.env with the DATABASE_URL of each service that keeps data.
#
#   scripts/compose/make-secrets.sh              create what is missing; existing keys and passwords are kept, so the
#                                                database volume (which took the passwords on its first start) still fits
#   scripts/compose/make-secrets.sh rotate-jwt   the current signing key becomes the previous one, a new one signs;
#                                                `docker compose up -d --force-recreate auth` then serves both
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$root/compose/secrets
services=(auth catalog orders)
log() { printf 'compose secrets: %s\n' "$*" >&2; }

command -v openssl >/dev/null 2>&1 || { log "openssl is required"; exit 1; }
# The folder keeps other local users out; the files inside are world-readable because compose bind-mounts them as
# they are and the services read them as uid 1000 (node), whoever created them on the host.
mkdir -p "$dir" && chmod 700 "$dir"
umask 022

new_key() { # ES256 (P-256), PKCS#8 PEM; openssl writes it 0600, auth reads it as uid 1000
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null && chmod 644 "$1"
}
new_password() { openssl rand -hex 24 | tr -d '\n' >"$1"; } # hex: no escaping needed in a URL or SQL
write_private() { (umask 077 && cat >"$1.tmp") && mv "$1.tmp" "$1"; }

if [ "${1:-}" = rotate-jwt ]; then
  [ -f "$dir/jwt-signing-key.pem" ] || { log "no signing key in $dir to rotate"; exit 1; }
  mv "$dir/jwt-signing-key.pem" "$dir/jwt-previous-key.pem"
  new_key "$dir/jwt-signing-key.pem"
  log "rotated the JWT signing key; run: docker compose up -d --force-recreate auth"
  exit 0
fi

[ -f "$dir/jwt-signing-key.pem" ] || new_key "$dir/jwt-signing-key.pem"
# The JWKS always lists two keys; before the first rotation the previous one has simply never signed anything.
[ -f "$dir/jwt-previous-key.pem" ] || new_key "$dir/jwt-previous-key.pem"
[ -f "$dir/postgres-password.txt" ] || (umask 077 && new_password "$dir/postgres-password.txt")
for service in "${services[@]}"; do
  [ -f "$dir/$service-db-password.txt" ] || (umask 077 && new_password "$dir/$service-db-password.txt")
done

{
  printf 'POSTGRES_PASSWORD=%s\n' "$(cat "$dir/postgres-password.txt")"
  for service in "${services[@]}"; do
    printf '%s_DB_PASSWORD=%s\n' "${service^^}" "$(cat "$dir/$service-db-password.txt")"
  done
} | write_private "$dir/postgres.env"
for service in "${services[@]}"; do
  printf 'DATABASE_URL=postgres://%s:%s@postgres:5432/%s\n' "$service" "$(cat "$dir/$service-db-password.txt")" "$service" |
    write_private "$dir/$service.env"
done
log "ready in ${dir#"$root"/}"
