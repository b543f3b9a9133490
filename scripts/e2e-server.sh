#!/usr/bin/env bash
# Playwright's web server: a fresh database with demo data, the worker, and the built portal.
cd "$(dirname "$0")/.."
source scripts/lib.sh
PORT="${E2E_PORT:-3100}"
export DATABASE_URL="postgresql://postgres@127.0.0.1:5432/modelport_e2e"
export NEXTAUTH_URL="http://localhost:$PORT"
export MODELPORT_DEV_LOGIN=1
export MODELPORT_LOCAL_DEMO=1
export MODELPORT_BIND_HOST=127.0.0.1
export NEXTAUTH_SECRET="$(random_secret)"
export ARTIFACT_URL_SECRET="$(random_secret)"
export QUEUE_PREFIX=modelport_e2e
export ARTIFACT_ROOT=/tmp/modelport-e2e-artifacts
export RUNTIME_PORT="${E2E_RUNTIME_PORT:-8600}"
export RUNTIME_URL="http://127.0.0.1:$RUNTIME_PORT"
export RUNTIME_CONTROL_TOKEN="$(random_secret)"
export RUNTIME_CAPTURE_REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export CAPTURE_STREAM_KEY=modelport_e2e:capture
# Online features under a prefix of their own: `npm start` mirrors the same demo groups into this Redis.
export FEATURE_KEY_PREFIX=modelport_e2e-features
export RUNTIME_FEATURE_KEY_PREFIX="$FEATURE_KEY_PREFIX"
export FEATURE_REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export RUNTIME_FEATURE_REDIS_URL="$FEATURE_REDIS_URL"
export RUNTIME_FEATURE_DATABASE_URL="$DATABASE_URL"
export WORKER_METRICS_PORT="${E2E_WORKER_METRICS_PORT:-9564}"
export PROMETHEUS_SCRAPE_INTERVAL=1
# Playwright shows the server's output: one JSON line per request would bury the test report.
export LOG_LEVEL="${LOG_LEVEL:-warn}"
# A/B tests get a look every few seconds, so a spec sees its test fill without waiting a minute.
export ABTEST_WATCH_EVERY_MS=3000
# The suite signs the same demo users in many times a minute from one address: sign-in limits out of its way.
export SIGN_IN_ATTEMPTS_PER_IP="${SIGN_IN_ATTEMPTS_PER_IP:-100000}"
export SIGN_IN_ATTEMPTS_PER_EMAIL="${SIGN_IN_ATTEMPTS_PER_EMAIL:-100000}"
PROMETHEUS_DIR="${E2E_PROMETHEUS_DIR:-/tmp/modelport-e2e-prometheus}"
rm -rf "$ARTIFACT_ROOT" "$PROMETHEUS_DIR"
ensure_database modelport_e2e --fresh
npx tsx prisma/seed.ts
NODE_ENV=production npx tsx runtime/main.ts &
runtime=$!
wait_for_url "$RUNTIME_URL/healthz" 60 "The model runtime"
start_prometheus "${E2E_PROMETHEUS_PORT:-9190}" "$PROMETHEUS_DIR"
NODE_ENV=production npx tsx workers/main.ts &
worker=$!
trap 'kill $worker $runtime $PROMETHEUS_PID 2>/dev/null || true' EXIT INT TERM
npx next start -H "$MODELPORT_BIND_HOST" -p "$PORT"
