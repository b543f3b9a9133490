#!/usr/bin/env bash
# Prepares this machine to run Modelport: packages, services, Prisma client, database.
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_apt_packages psql:postgresql-client redis-cli:redis-tools curl:curl
ensure_services
ensure_node_modules
ensure_database "${MODELPORT_DB:-modelport}"
