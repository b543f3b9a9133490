#!/usr/bin/env bash
# npm test: typecheck, lint, unit, integration (real Postgres + Redis), the production build, the multi-instance test
# (HAProxy, two portals, three workers), Playwright in Chromium, then the container images built with buildah and started.
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_apt_packages psql:postgresql-client redis-cli:redis-tools chromium:chromium prometheus:prometheus haproxy:haproxy
ensure_services
ensure_node_modules

step() { log "── $1 ($(date -u +%H:%M:%S) UTC)"; }
step "typecheck"; npx tsc --noEmit
step "lint"; npx eslint --max-warnings 0 .
step "format"; npx prettier --check . >/dev/null || { npx prettier --list-different .; echo "run: npx prettier --write ."; exit 1; }
step "unit tests"; npx vitest run --project unit
step "integration tests"; npx vitest run --project integration
step "production build"; npx next build >/tmp/modelport-test-build.log 2>&1 || { tail -80 /tmp/modelport-test-build.log; exit 1; }
step "multi-instance test (HAProxy, 2 portals, 3 workers, one SIGKILLed)"; npx vitest run --project cluster
step "end-to-end tests (Playwright, Chromium)"; npx playwright test
step "container images (buildah: build the three images, start each)"
ensure_apt_packages buildah:buildah debootstrap:debootstrap
npx vitest run --project images
