#!/bin/bash
# Run once by the postgres image's entrypoint on an empty data directory: a role and a database per service, each
# owned by its role and closed to everyone else. Sourced by the entrypoint, so it must not change its shell options.
for service in auth catalog orders storefront; do
  password_var="${service^^}_DB_PASSWORD"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=name="$service" --set=password="${!password_var}" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
