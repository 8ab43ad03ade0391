#!/bin/sh
# PostgreSQL's entrypoint in compose: runs as root (only to hand the data directory to postgres), takes the passwords
# secrets-init generated from the read-only secrets volume and hands over to the image's own entrypoint. Through the
# environment because that is what both the official image and a compatible local one (POSTGRES_IMAGE) accept; the
# role passwords are for 10-service-databases.sh, run once on an empty data directory.
#   entrypoint.sh ensure-databases   (in the running container) creates the roles and databases that are missing,
#                                    e.g. the storefront's in a stack made before the storefront existed
set -eu
dir=/run/secrets
secret() {
  [ -s "$dir/$1" ] || { echo "postgres: no $dir/$1 (secrets-init makes it; did it run?)" >&2; exit 1; }
  cat "$dir/$1"
}
POSTGRES_PASSWORD=$(secret postgres-password)
AUTH_DB_PASSWORD=$(secret auth-password)
CATALOG_DB_PASSWORD=$(secret catalog-password)
ORDERS_DB_PASSWORD=$(secret orders-password)
STOREFRONT_DB_PASSWORD=$(secret storefront-password)
export POSTGRES_PASSWORD AUTH_DB_PASSWORD CATALOG_DB_PASSWORD ORDERS_DB_PASSWORD STOREFRONT_DB_PASSWORD
if [ "${1:-}" = ensure-databases ]; then
  # over the server's local socket, as the superuser the image made
  export PGHOST=/var/run/postgresql PGPASSWORD="$POSTGRES_PASSWORD" POSTGRES_USER="${POSTGRES_USER:-postgres}"
  exec bash /docker-entrypoint-initdb.d/10-service-databases.sh
fi
exec docker-entrypoint.sh "$@"
