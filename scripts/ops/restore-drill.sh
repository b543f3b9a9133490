#!/usr/bin/env bash
# Restore drill: proves a backup of Modelport's database can be restored and used.
#
#   DATABASE_URL=postgresql://... scripts/ops/restore-drill.sh
#
# 1. dumps DATABASE_URL with `pg_dump -Fc` from one exported snapshot, and counts every table's rows in that same
#    snapshot (so a database in use still compares exactly);
# 2. restores the dump into a fresh database (RESTORE_DRILL_DATABASE, default modelport_restore_drill_<time>_<pid>)
#    on the server of RESTORE_DRILL_ADMIN_URL (default: DATABASE_URL's server, database `postgres`);
# 3. runs RESTORE_DRILL_AFTER_RESTORE, if set, with RESTORED_DATABASE_URL in its environment (e.g. to mask personal
#    data in a copy meant for staging; the test uses it to damage the copy);
# 4. counts every table's rows in the restored copy and compares them with the source's — any difference fails;
# 5. checks that every migration of this release is applied to the restored copy with the checksum Prisma records and
#    none is half-applied; a backup older than the release gets the missing ones from `prisma migrate deploy`, and
#    `prisma migrate status` must then report the schema up to date.
#
# Prints one line per table: `count <table> <source rows> <restored rows> ok|MISMATCH`, then `restore drill: ok`.
# Exits non-zero on any failed step or difference. The restored database and the dump are removed at the end unless
# RESTORE_DRILL_KEEP=1 (the dump is kept in RESTORE_DRILL_DUMP when that is set).
set -euo pipefail
cd "$(dirname "$0")/../.."

: "${DATABASE_URL:?DATABASE_URL names the database to back up}"
SOURCE_URL="$DATABASE_URL"

# with_database URL NAME: URL with its database (path) replaced by NAME, keeping any ?query.
with_database() {
  local base="${1%%\?*}"
  local query="${1#"$base"}"
  printf '%s/%s%s' "${base%/*}" "$2" "$query"
}

TARGET="${RESTORE_DRILL_DATABASE:-modelport_restore_drill_$(date -u +%Y%m%d%H%M%S)_$$}"
if [[ ! "$TARGET" =~ ^[a-z_][a-z0-9_]{0,62}$ ]]; then
  echo "RESTORE_DRILL_DATABASE must be a plain lower-case name, got '$TARGET'" >&2
  exit 2
fi
ADMIN_URL="${RESTORE_DRILL_ADMIN_URL:-$(with_database "$SOURCE_URL" postgres)}"
RESTORED_URL="$(with_database "$ADMIN_URL" "$TARGET")"
DUMP="${RESTORE_DRILL_DUMP:-$(mktemp -t modelport-drill.XXXXXX.dump)}"
WORK="$(mktemp -d -t modelport-drill.XXXXXX)"
PSQL=(psql -X -q -At -v ON_ERROR_STOP=1)

# One row per table of schema public: `<table> <rows>`, sorted by table name.
COUNT_SQL="SELECT table_name || ' ' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I',
  table_schema, table_name), false, true, '')))[1]::text FROM information_schema.tables
  WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE \"C\";"

created=""
snapshot_pid=""
cleanup() {
  if [[ -n "$snapshot_pid" ]]; then kill "$snapshot_pid" 2>/dev/null || true; fi
  if [[ "${RESTORE_DRILL_KEEP:-0}" != 1 ]]; then
    if [[ -n "$created" ]]; then "${PSQL[@]}" "$ADMIN_URL" -c "DROP DATABASE IF EXISTS \"$TARGET\" WITH (FORCE)"; fi
    if [[ -z "${RESTORE_DRILL_DUMP:-}" ]]; then rm -f "$DUMP"; fi
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# 1. Hold a repeatable-read transaction open, export its snapshot, count in it, and dump from it.
mkfifo "$WORK/in"
"${PSQL[@]}" "$SOURCE_URL" <"$WORK/in" >"$WORK/source.out" &
snapshot_pid=$!
exec 3>"$WORK/in"
echo "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SELECT pg_export_snapshot(); $COUNT_SQL SELECT 'end-of-counts';" >&3
for _ in $(seq 1 600); do
  grep -qx 'end-of-counts' "$WORK/source.out" && break
  kill -0 "$snapshot_pid" 2>/dev/null || { echo "could not open a snapshot of the source database" >&2; exit 1; }
  sleep 0.1
done
grep -qx 'end-of-counts' "$WORK/source.out" || { echo "counting the source's rows timed out" >&2; exit 1; }
snapshot="$(head -n 1 "$WORK/source.out")"
sed -n '2,$p' "$WORK/source.out" | grep -vx 'end-of-counts' >"$WORK/source.counts"
pg_dump -Fc --no-owner --no-acl --snapshot="$snapshot" -f "$DUMP" "$SOURCE_URL"
echo "COMMIT;" >&3
exec 3>&-
wait "$snapshot_pid"
snapshot_pid=""
echo "dumped $(wc -l <"$WORK/source.counts") tables ($(stat -c %s "$DUMP") bytes)"

# 2. Restore into a database that did not exist before.
"${PSQL[@]}" "$ADMIN_URL" -c "CREATE DATABASE \"$TARGET\""
created=1
pg_restore --exit-on-error --no-owner --no-acl -d "$RESTORED_URL" "$DUMP"
echo "restored into $TARGET"

# 3. The optional hook.
if [[ -n "${RESTORE_DRILL_AFTER_RESTORE:-}" ]]; then
  RESTORED_DATABASE_URL="$RESTORED_URL" bash -c "$RESTORE_DRILL_AFTER_RESTORE"
fi

# 4. Compare every table's rows; a table missing on either side is a mismatch.
"${PSQL[@]}" "$RESTORED_URL" -c "$COUNT_SQL" >"$WORK/restored.counts"
awk '
  NR == FNR { source[$1] = $2; next }
  { restored[$1] = $2 }
  END {
    for (t in restored) if (!(t in source)) source[t] = "missing"
    for (t in source) {
      r = (t in restored) ? restored[t] : "missing"
      print "count", t, source[t], r, (source[t] == r ? "ok" : "MISMATCH")
    }
  }' "$WORK/source.counts" "$WORK/restored.counts" | LC_ALL=C sort -k2,2 >"$WORK/compared"
cat "$WORK/compared"
if grep -q ' MISMATCH$' "$WORK/compared"; then
  echo "restore drill: FAILED — the restored copy's rows differ from the source's" >&2
  exit 1
fi

# 5. This release must start on the restored copy: every migration of prisma/migrations applied (same checksum as
#    Prisma records: the sha256 of migration.sql), none failed. A backup older than the release gets the missing ones
#    from `prisma migrate deploy`, as in a real restore, and `prisma migrate status` must then be clean.
for dir in prisma/migrations/*/; do
  printf '%s %s\n' "$(basename "$dir")" "$(sha256sum "$dir/migration.sql" | cut -d' ' -f1)"
done | LC_ALL=C sort >"$WORK/release.migrations"
"${PSQL[@]}" "$RESTORED_URL" -F ' ' -c "SELECT migration_name, checksum FROM _prisma_migrations
  WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL" | LC_ALL=C sort >"$WORK/applied.migrations"
failed="$("${PSQL[@]}" "$RESTORED_URL" -c "SELECT migration_name FROM _prisma_migrations
  WHERE finished_at IS NULL AND rolled_back_at IS NULL")"
if [[ -n "$failed" ]]; then
  echo "restore drill: FAILED — migrations recorded as started but not finished: $failed" >&2
  exit 1
fi
unknown="$(LC_ALL=C comm -13 "$WORK/release.migrations" "$WORK/applied.migrations")"
if [[ -n "$unknown" ]]; then
  echo "restore drill: FAILED — the backup has migrations this release does not know (or with other checksums):" >&2
  echo "$unknown" >&2
  exit 1
fi
missing="$(LC_ALL=C comm -23 "$WORK/release.migrations" "$WORK/applied.migrations" | cut -d' ' -f1)"
if [[ -n "$missing" ]]; then
  echo "the backup lacks $(wc -l <<<"$missing") of this release's migrations: running prisma migrate deploy"
  PRISMA="${RESTORE_DRILL_PRISMA:-npx prisma}"
  DATABASE_URL="$RESTORED_URL" $PRISMA migrate deploy >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; exit 1; }
  DATABASE_URL="$RESTORED_URL" $PRISMA migrate status >"$WORK/status.log" 2>&1 || { cat "$WORK/status.log" >&2; exit 1; }
  grep -q "Database schema is up to date" "$WORK/status.log" || { cat "$WORK/status.log" >&2; exit 1; }
fi
echo "migrations: all $(wc -l <"$WORK/release.migrations") of this release's applied"
echo "restore drill: ok"
