#!/bin/bash
# Runs once, when the PostgreSQL volume is first initialised: every connectors/sql/*.sql (mounted
# read-only on /livedrop-sql by docker-compose.yml), in name order, in the livedrop database. They
# are mounted beside docker-entrypoint-initdb.d rather than into it so that this directory can also
# hold the registry's database script.
set -euo pipefail
shopt -s nullglob
for f in /livedrop-sql/*.sql; do
  echo "livedrop initdb: $f"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$f"
done
