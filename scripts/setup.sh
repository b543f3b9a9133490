#!/usr/bin/env bash
# Prepares this machine to run Modelport: packages, services, Prisma client, database.
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_apt_packages postgresql-client redis-tools
ensure_services
ensure_node_modules
ensure_database "${MODELPORT_DB:-modelport}"
