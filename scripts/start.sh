#!/usr/bin/env bash
# npm start: sets everything up, seeds demo data, builds, and runs the portal and the worker.
cd "$(dirname "$0")/.."
source scripts/lib.sh
PORT="${PORT:-3000}"
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/modelport}"
export NEXTAUTH_URL="${NEXTAUTH_URL:-http://localhost:$PORT}"
export MODELPORT_DEV_LOGIN="${MODELPORT_DEV_LOGIN:-1}"
# A single-machine demo: the production build may offer the development sign-in only because it listens on loopback.
# To serve other machines, set MODELPORT_BIND_HOST=0.0.0.0, MODELPORT_DEV_LOGIN=0 and OIDC_* (docs/security.md).
export MODELPORT_LOCAL_DEMO="${MODELPORT_LOCAL_DEMO:-1}"
export MODELPORT_BIND_HOST="${MODELPORT_BIND_HOST:-127.0.0.1}"
export RUNTIME_PORT="${RUNTIME_PORT:-8500}"
export RUNTIME_URL="http://127.0.0.1:$RUNTIME_PORT"
export RUNTIME_STATE_FILE="${RUNTIME_STATE_FILE:-$PWD/.data/runtime-state.json}"
# Prediction capture: the runtime appends captured rows to this Redis Stream; the worker loads them into PostgreSQL.
export RUNTIME_CAPTURE_REDIS_URL="${RUNTIME_CAPTURE_REDIS_URL:-${REDIS_URL:-redis://127.0.0.1:6379}}"
export CAPTURE_STREAM_KEY="${CAPTURE_STREAM_KEY:-modelport:capture}"
# Online features: the portal mirrors stored feature values into this Redis, the runtime reads it first and this
# PostgreSQL (feature_values) when Redis is slow or down. In production give the runtime a role that may only read that table.
export FEATURE_REDIS_URL="${FEATURE_REDIS_URL:-${REDIS_URL:-redis://127.0.0.1:6379}}"
export RUNTIME_FEATURE_REDIS_URL="${RUNTIME_FEATURE_REDIS_URL:-$FEATURE_REDIS_URL}"
export FEATURE_KEY_PREFIX="${FEATURE_KEY_PREFIX:-modelport-features}"
export RUNTIME_FEATURE_KEY_PREFIX="$FEATURE_KEY_PREFIX"
export RUNTIME_FEATURE_DATABASE_URL="${RUNTIME_FEATURE_DATABASE_URL:-$DATABASE_URL}"
export WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-$(free_port_from 9464)}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-$(free_port_from 9090)}"

ensure_apt_packages psql:postgresql-client redis-cli:redis-tools curl:curl prometheus:prometheus
ensure_services
ensure_node_modules
ensure_database "$(basename "${DATABASE_URL%%\?*}")"
RUNTIME_CONTROL_TOKEN="$(ensure_secret .data/runtime-control-token)"
NEXTAUTH_SECRET="${NEXTAUTH_SECRET:-$(ensure_secret .data/nextauth-secret)}"
ARTIFACT_URL_SECRET="${ARTIFACT_URL_SECRET:-$(ensure_secret .data/artifact-url-secret)}"
# The runtime's /metrics requires this token; Prometheus and the worker's guardrail readings send it.
RUNTIME_METRICS_TOKEN="${RUNTIME_METRICS_TOKEN:-$(ensure_secret .data/runtime-metrics-token)}"
export RUNTIME_CONTROL_TOKEN NEXTAUTH_SECRET ARTIFACT_URL_SECRET RUNTIME_METRICS_TOKEN
log "seeding demo data (skipped if already there)"
npx tsx prisma/seed.ts
log "building the portal"
npx next build >/tmp/modelport-build.log 2>&1 || { tail -50 /tmp/modelport-build.log; exit 1; }

pids=()
demo_ab_test=""
demo_traffic=""
cleanup() { for pid in "${pids[@]}" $demo_ab_test $demo_traffic; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
# The runtime and the worker run as in production, so their refusal of unsafe settings applies here too.
NODE_ENV=production npx tsx runtime/main.ts & pids+=($!)
wait_for_url "$RUNTIME_URL/healthz" 60 "The model runtime"
start_prometheus "$PROMETHEUS_PORT" .data/prometheus; pids+=("$PROMETHEUS_PID")
NODE_ENV=production npx tsx workers/main.ts & pids+=($!)
# Not in pids: it ends on its own once the demo A/B test has started, and `wait -n` below must not see that.
npx tsx prisma/seed/demo-ab-test-main.ts & demo_ab_test=$!
npx next start -H "$MODELPORT_BIND_HOST" -p "$PORT" & pids+=($!)
wait_for_url "http://localhost:$PORT/api/health" 60 "The portal"
# DEMO predictions and, later, DEMO outcomes for a share of them, so every dashboard and queue fills within minutes.
# Not in pids either: the portal keeps running if it stops.
if [ "${MODELPORT_DEMO_TRAFFIC:-1}" != "0" ]; then
  npx tsx scripts/demo-traffic/main.ts >.data/demo-traffic.log 2>&1 & demo_traffic=$!
fi
cat <<TXT

  Modelport is running at http://localhost:$PORT

  Demo sign-in (development sign-in, marked as such in the UI):
$(npx tsx scripts/print-demo-users.ts)

  API reference: http://localhost:$PORT/api/v1/openapi.json
  Model runtime:  $RUNTIME_URL (predict: POST /v1/endpoints/<endpoint>/predict, metrics: /metrics with the bearer token in .data/runtime-metrics-token)
  Prometheus:     $PROMETHEUS_URL (scrapes the runtime and the worker's 127.0.0.1:$WORKER_METRICS_PORT/metrics)
  DEMO traffic and feedback run in the background (log: .data/demo-traffic.log; MODELPORT_DEMO_TRAFFIC=0 turns them
  off): the latency, cost, drift and quality dashboards show only what was measured from it. For more, or drift,
  run \`npm run traffic\` from another terminal (add \`-- --drift amount\` to shift transaction amounts after 2 minutes).
  Press Ctrl+C to stop.
TXT
wait -n "${pids[@]}"
