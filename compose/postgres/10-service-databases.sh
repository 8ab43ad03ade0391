#!/bin/bash
# Run by the postgres image's entrypoint on an empty data directory: a role and a database per service, each owned by
# its role and closed to everyone else. The passwords (AUTH_DB_PASSWORD, ...) are exported by entrypoint.sh from the
# secrets volume. Sourced by the entrypoint, so it must not change the entrypoint's shell options.
# Creates only what is missing, so a stack made before a service existed gets that service's database with
# `docker compose exec postgres /usr/local/lib/platform/entrypoint.sh ensure-databases` (compose/README.md).
for service in auth catalog orders storefront; do
  password_var="${service^^}_DB_PASSWORD"
  if [ -z "${!password_var:-}" ]; then
    echo "10-service-databases: $password_var is not set (compose/postgres/entrypoint.sh exports it)" >&2
    exit 1
  fi
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=name="$service" --set=password="${!password_var}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'password')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
