#!/bin/sh
# PostgreSQL's entrypoint in compose: runs as root (only to hand the data directory to postgres), takes the passwords
# secrets-init generated from the read-only secrets volume and hands over to the image's own entrypoint. Through the
# environment because that is what both the official image and a compatible local one (POSTGRES_IMAGE) accept: the
# superuser's as POSTGRES_PASSWORD, and each service database's (<database>-password, one per service with storage in
# the platform's list) as <DATABASE>_DB_PASSWORD for 10-service-databases.sh, run once on an empty data directory.
set -eu
dir=/run/secrets
secret() {
  [ -s "$dir/$1" ] || { echo "postgres: no $dir/$1 (secrets-init makes it; did it run?)" >&2; exit 1; }
  cat "$dir/$1"
}
POSTGRES_PASSWORD=$(secret postgres-password)
export POSTGRES_PASSWORD
for file in "$dir"/*-password; do
  [ -e "$file" ] || continue
  database=$(basename "$file" -password)
  [ "$database" = postgres ] && continue
  variable="$(printf '%s' "$database" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
  value=$(secret "$database-password")
  export "$variable=$value"
done
exec docker-entrypoint.sh "$@"
