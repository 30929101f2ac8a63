#!/bin/sh
# docker-entrypoint-initdb.d hook of the postgres image: the desk's and Temporal's roles from
# the passwords in .env (see .env.example), never hard-coded.
set -eu
: "${DESK_DB_PASSWORD:?set DESK_DB_PASSWORD in .env}"
: "${TEMPORAL_DB_PASSWORD:?set TEMPORAL_DB_PASSWORD in .env}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v desk_user=desk -v desk_database=servicedesk -v desk_password="$DESK_DB_PASSWORD" \
  -v temporal_user=temporal -v temporal_password="$TEMPORAL_DB_PASSWORD" \
  -f /desk-init/init-roles.sql
