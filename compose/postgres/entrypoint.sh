#!/bin/sh
# PostgreSQL's entrypoint in compose: runs as root (only to hand the data directory to postgres), takes the passwords
# secrets-init generated from the read-only secrets volume and hands over to the image's own entrypoint. Through the
# environment because that is what both the official image and a compatible local one (POSTGRES_IMAGE) accept: the
# superuser's as POSTGRES_PASSWORD, and each service database's (<database>-password, one per service with storage in
# the platform's list) as <DATABASE>_DB_PASSWORD for 10-service-databases.sh, run once on an empty data directory.
#   entrypoint.sh ensure-databases   (in the running container) creates the roles and databases that are missing,
#                                    e.g. a new service's in a stack made before that service existed
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
if [ "${1:-}" = ensure-databases ]; then
  # over the server's local socket, as the superuser the image made
  export PGHOST=/var/run/postgresql PGPASSWORD="$POSTGRES_PASSWORD" POSTGRES_USER="${POSTGRES_USER:-postgres}"
  exec bash /docker-entrypoint-initdb.d/10-service-databases.sh
fi
exec docker-entrypoint.sh "$@"
