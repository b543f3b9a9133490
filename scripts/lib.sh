# Shared set-up steps for start.sh, test.sh and CI. Idempotent: each step checks before it acts.
set -euo pipefail
export NEXT_TELEMETRY_DISABLED=1
export ONNXRUNTIME_NODE_INSTALL=skip
PG_ADMIN_URL="${PG_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"

log() { printf '\033[1;34m[modelport]\033[0m %s\n' "$*"; }

# ensure_apt_packages COMMAND:PACKAGE ...: installs each package whose command is not on PATH.
ensure_apt_packages() {
  local missing=()
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_services() {
  if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && redis-cli ping >/dev/null 2>&1 && return 0; sleep 1; done
  echo "PostgreSQL or Redis did not come up" >&2; return 1
}

ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    # Not `npm ci`: this npm (11.19) writes lock files without other platforms' optional packages and then
    # refuses them in `npm ci`. `npm install` with the committed lock installs the same locked versions.
    log "installing npm packages"
    npm install --no-audit --no-fund
  fi
  log "generating the Prisma client"
  npx prisma generate >/dev/null
}

# ensure_database NAME [--fresh]: creates the database if missing (or anew with --fresh) and migrates it.
ensure_database() {
  local name="$1" fresh="${2:-}"
  if [ "$fresh" = "--fresh" ]; then
    psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
  fi
  if ! psql "$PG_ADMIN_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    log "creating database $name"
    psql "$PG_ADMIN_URL" -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
  log "applying migrations to $name"
  DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$name" npx prisma migrate deploy >/dev/null
}

# ensure_secret FILE: a random 32-byte secret (64 hex characters), made once and kept (mode 0600); a kept file
# shorter than 32 bytes (production refuses those) is replaced.
ensure_secret() {
  local file="$1"
  if [ ! -s "$file" ] || [ "$(wc -c <"$file")" -lt 32 ]; then
    mkdir -p "$(dirname "$file")"
    (umask 077 && random_secret > "$file")
  fi
  cat "$file"
}

# random_secret: 32 random bytes as 64 hex characters.
random_secret() {
  node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("hex"))'
}

# wait_for_url URL SECONDS NAME: waits until URL answers 2xx.
wait_for_url() {
  for _ in $(seq 1 "$2"); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "$3 did not come up at $1" >&2; return 1
}

# port_in_use PORT: true when something listens on 127.0.0.1:PORT.
port_in_use() { (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null; }

# free_port_from PORT: PORT, or the next port after it that nothing listens on.
free_port_from() {
  local port="$1"
  while port_in_use "$port"; do port=$((port + 1)); done
  echo "$port"
}

# start_prometheus PORT DIR: writes DIR/prometheus.yml (scraping RUNTIME_URL and the worker's WORKER_METRICS_PORT every
# PROMETHEUS_SCRAPE_INTERVAL seconds; with RUNTIME_METRICS_TOKEN set, the runtime job sends it from DIR/runtime-metrics-token), starts Prometheus on 127.0.0.1:PORT with its data in DIR/tsdb, waits until it
# is ready, and exports PROMETHEUS_URL. Sets PROMETHEUS_PID for the caller to stop it. Never the Debian service.
start_prometheus() {
  local port="$1" dir="$2"
  mkdir -p "$dir/tsdb"
  npx tsx scripts/prometheus/write-config.ts "$dir/prometheus.yml"
  log "starting Prometheus on 127.0.0.1:$port (data in $dir)"
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" --storage.tsdb.retention.time=31d \
    --web.listen-address="127.0.0.1:$port" >"$dir/prometheus.log" 2>&1 &
  PROMETHEUS_PID=$!
  export PROMETHEUS_URL="http://127.0.0.1:$port"
  wait_for_url "$PROMETHEUS_URL/-/ready" 60 "Prometheus" || { tail -20 "$dir/prometheus.log" >&2; return 1; }
}
