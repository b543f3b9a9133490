import type { HotFeatureEntry, HotFeatureMirror } from "@/server/integrations/feature-store/hot-mirror";
import type { SystemContext } from "@/server/services/context";

type MirrorContext = Pick<SystemContext, "db" | "featureMirror">;

const identities = new WeakMap<object, Promise<string>>();

/**
 * This database as a Redis mirror names it: the one row of feature_store_identity, made by the migration, so a database
 * dropped and created again (or a new one) is a different one.
 */
export function databaseIdentity(ctx: Pick<SystemContext, "db">): Promise<string> {
  let identity = identities.get(ctx.db);
  if (!identity) {
    identity = ctx.db.featureStoreIdentity
      .findFirstOrThrow({ orderBy: { createdAt: "asc" }, select: { id: true } })
      .then((row) => row.id);
    identity.catch(() => identities.delete(ctx.db));
    identities.set(ctx.db, identity);
  }
  return identity;
}

async function markHeld(ctx: MirrorContext, entries: readonly HotFeatureEntry[]) {
  if (entries.length === 0) return;
  const groups = entries.map((e) => e.group);
  const ids = entries.map((e) => e.entityId);
  const versions = entries.map((e) => e.version);
  await ctx.db.$executeRaw`
    UPDATE feature_values f SET hot_synced = true
    FROM unnest(${groups}::text[], ${ids}::text[], ${versions}::bigint[]) AS m(g, id, v)
    WHERE f.feature_group = m.g AND f.entity_id = m.id AND f.version = m.v`;
}

type CurrentRow = { entity_id: string; version: bigint; values: Record<string, number> };

/**
 * Entries Redis refused because it holds a newer version. Usually a newer write's (its own mirror marks it); but when
 * PostgreSQL's current version is older than Redis's (PostgreSQL restored to a point in time), Redis holds values
 * PostgreSQL no longer has: they are replaced by the current row, only while Redis still holds that same version.
 */
async function replaceValuesFromTheFuture(
  ctx: MirrorContext & { featureMirror: HotFeatureMirror },
  behind: Array<{ entry: HotFeatureEntry; redisVersion: bigint }>,
): Promise<number> {
  let resolved = 0;
  for (const { entry, redisVersion } of behind) {
    const [current] = await ctx.db.$queryRaw<CurrentRow[]>`
      SELECT entity_id, version, "values" FROM feature_values
      WHERE feature_group = ${entry.group} AND entity_id = ${entry.entityId}`;
    // A newer write than this entry's: Redis holds it, or will with that write's own mirror.
    if (!current || current.version >= redisVersion) {
      resolved++;
      continue;
    }
    const now = { ...entry, version: current.version, values: current.values };
    if (await ctx.featureMirror.replaceIfVersion(now, redisVersion)) {
      await markHeld(ctx, [now]);
      resolved++;
    }
  }
  return resolved;
}

/**
 * Puts entries into Redis and marks exactly the versions Redis holds mirrored (a newer write since stays unmirrored
 * until its own mirror). Answers whether all of them are: false when Redis failed or mirrors no database or another
 * (the sync job claims it), and the rest stay pending. Never throws: the write they belong to is already committed.
 */
export async function mirrorEntries(ctx: MirrorContext, entries: readonly HotFeatureEntry[]): Promise<boolean> {
  const mirror = ctx.featureMirror;
  if (!mirror || entries.length === 0) return entries.length === 0;
  const writeClaimingFresh = async (database: string) => {
    const written = await mirror.write(entries, database);
    if (!written.unclaimed || !(await claimFresh({ ...ctx, featureMirror: mirror }, database))) return written;
    return mirror.write(entries, database);
  };
  const outcome = await databaseIdentity(ctx)
    .then(writeClaimingFresh)
    .then(async (written) => {
      if (written.unclaimed) return false;
      await markHeld(ctx, written.held);
      const resolved = await replaceValuesFromTheFuture({ ...ctx, featureMirror: mirror }, written.behind);
      return resolved === written.behind.length;
    })
    .then(
      (all) => all,
      () => false,
    );
  return outcome;
}

/**
 * A write may claim a Redis that names no database while this one has nothing mirrored (a first mirror): there is
 * nothing to mark again. Anything else (another database's mirror, a Redis that lost this one's) is the sync job's.
 * Answers whether the write should be tried again (Redis is claimed now, by this write or another).
 */
async function claimFresh(ctx: MirrorContext & { featureMirror: HotFeatureMirror }, database: string) {
  const mirror = ctx.featureMirror;
  if ((await mirror.mirrorOf()) !== null) return false;
  const [{ any }] = (await ctx.db.$queryRaw<{ any: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM feature_values WHERE hot_synced) AS any`) as [{ any: boolean }];
  if (any) return false;
  // Dropped before claiming: while Redis names no database no write lands, so nothing written is dropped.
  await mirror.dropMirrored();
  await mirror.claim(database, null);
  return true;
}

/**
 * Makes Redis a whole mirror of this database again when it is not one: it names no database (it lost its data) or
 * another, or its high water mark is below a version PostgreSQL marked mirrored (it was restored from an older
 * snapshot, or a lagging replica took over). The claim is a compare and set (one claimer wins); the winner drops every
 * mirrored value, then marks every row unmirrored, so a write mirrored during the drop is mirrored again too.
 */
async function reclaimWhenNotAMirror(ctx: MirrorContext & { featureMirror: HotFeatureMirror }) {
  const mirror = ctx.featureMirror;
  const [database, owner] = await Promise.all([databaseIdentity(ctx), mirror.mirrorOf()]);
  if (owner === database) {
    const [{ max }] = (await ctx.db.$queryRaw<{ max: bigint | null }[]>`
      SELECT max(version) AS max FROM feature_values WHERE hot_synced`) as [{ max: bigint | null }];
    if (max === null || (await mirror.highWater()) >= max) return;
  }
  if (!(await mirror.claim(database, owner))) return;
  await mirror.dropMirrored();
  await ctx.db.$executeRaw`UPDATE feature_values SET hot_synced = false WHERE hot_synced`;
}

type PendingRow = { feature_group: string; entity_id: string; version: bigint; values: Record<string, number> };

/**
 * The sync job: re-claims Redis when it is not a whole mirror of this database, then mirrors the values writes could
 * not (Redis down, or not yet claimed), oldest versions first, `batch` at a time, until none is left or Redis fails
 * again. Answers how many it mirrored.
 */
export async function mirrorPendingFeatureValues(ctx: MirrorContext, batch = 5_000): Promise<number> {
  const mirror = ctx.featureMirror;
  if (!mirror) return 0;
  const claimed = await reclaimWhenNotAMirror({ ...ctx, featureMirror: mirror }).then(
    () => true,
    () => false,
  );
  if (!claimed) return 0;
  let total = 0;
  for (;;) {
    const pending = await ctx.db.$queryRaw<PendingRow[]>`
      SELECT feature_group, entity_id, version, "values" FROM feature_values
      WHERE hot_synced = false ORDER BY version LIMIT ${batch}`;
    const entries = pending.map((row) => ({
      group: row.feature_group,
      entityId: row.entity_id,
      version: row.version,
      values: row.values,
    }));
    if (entries.length === 0 || !(await mirrorEntries(ctx, entries))) return total;
    total += entries.length;
    if (entries.length < batch) return total;
  }
}
