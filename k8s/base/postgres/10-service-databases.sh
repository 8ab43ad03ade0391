#!/bin/bash
# Run once by the postgres image's entrypoint on an empty data directory: a role and a database for each
# <DATABASE>_DB_PASSWORD in the environment (one per service with storage in the platform's list, packages/topology),
# each owned by its role and closed to everyone else. Compose's entrypoint.sh exports them from the secrets volume,
# Kubernetes from the postgres-credentials Secret. Sourced by the entrypoint, so it must not change the entrypoint's
# shell options. The same file is k8s/base/postgres/10-service-databases.sh (a test keeps them equal).
# Creates only what is missing, so a compose stack made before a service existed gets that service's database with
# `docker compose exec postgres /usr/local/lib/platform/entrypoint.sh ensure-databases` (compose/README.md).
for password_var in $(compgen -v | grep '_DB_PASSWORD$'); do
  database=$(printf '%s' "${password_var%_DB_PASSWORD}" | tr '[:upper:]' '[:lower:]')
  if [ -z "${!password_var:-}" ]; then
    echo "10-service-databases: $password_var is empty" >&2
    exit 1
  fi
  echo "10-service-databases: role and database $database"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=name="$database" --set=password="${!password_var}" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'name', :'password')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'name') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'name', :'name')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'name') \gexec
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
