import type { HotFeatureEntry, HotFeatureMirror } from "@/server/integrations/feature-store/hot-mirror";
import type { SystemContext } from "@/server/services/context";

type MirrorContext = Pick<SystemContext, "db" | "featureMirror">;
type WithMirror = MirrorContext & { featureMirror: HotFeatureMirror };

/**
 * This database as a Redis mirror names it (the row the migration made: a new database gets a new one), with the
 * claim epoch and the highest version marked mirrored, read fresh for every mirror.
 */
export async function mirrorIdentity(ctx: Pick<SystemContext, "db">) {
  const row = await ctx.db.featureStoreIdentity.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  return { database: row.id, epoch: row.epoch, floor: row.mirroredThrough };
}
type Identity = Awaited<ReturnType<typeof mirrorIdentity>>;

/**
 * Marks rows mirrored at exactly the versions Redis holds, and raises the floor to them — unless the sync job claimed
 * Redis again since `epoch` was read (it emptied Redis: these values may be gone), when nothing is marked.
 */
async function markHeld(ctx: MirrorContext, identity: Identity, entries: readonly HotFeatureEntry[]) {
  if (entries.length === 0) return;
  const groups = entries.map((e) => e.group);
  const ids = entries.map((e) => e.entityId);
  const versions = entries.map((e) => e.version);
  await ctx.db.$executeRaw`
    WITH marked AS (
      UPDATE feature_values f SET hot_synced = true
      FROM unnest(${groups}::text[], ${ids}::text[], ${versions}::bigint[]) AS m(g, id, v), feature_store_identity i
      WHERE i.id = ${identity.database} AND i.epoch = ${identity.epoch}
        AND f.feature_group = m.g AND f.entity_id = m.id AND f.version = m.v
      RETURNING f.version)
    UPDATE feature_store_identity
    SET mirrored_through = GREATEST(mirrored_through, (SELECT max(version) FROM marked))
    WHERE id = ${identity.database} AND epoch = ${identity.epoch} AND EXISTS (SELECT 1 FROM marked)`;
}

type CurrentRow = { entity_id: string; version: bigint; values: Record<string, number> };

/**
 * Entries Redis refused because it holds a newer version. Usually a newer write's (its own mirror marks it); but when
 * PostgreSQL's current version is older than Redis's (PostgreSQL restored to a point in time), Redis holds values
 * PostgreSQL no longer has: they are replaced by the current row, only while Redis still holds that same version.
 * Answers how many are settled either way.
 */
async function settleRefused(
  ctx: WithMirror,
  identity: Identity,
  behind: Array<{ entry: HotFeatureEntry; redisVersion: bigint }>,
): Promise<number> {
  let settled = 0;
  for (const { entry, redisVersion } of behind) {
    const [current] = await ctx.db.$queryRaw<CurrentRow[]>`
      SELECT entity_id, version, "values" FROM feature_values
      WHERE feature_group = ${entry.group} AND entity_id = ${entry.entityId}`;
    if (!current || current.version >= redisVersion) {
      settled++;
      continue;
    }
    const now = { ...entry, version: current.version, values: current.values };
    if (await ctx.featureMirror.replaceIfVersion(now, redisVersion)) {
      await markHeld(ctx, identity, [now]);
      settled++;
    }
  }
  return settled;
}

async function mirrorWith(ctx: WithMirror, entries: readonly HotFeatureEntry[]): Promise<boolean> {
  const identity = await mirrorIdentity(ctx);
  const written = await ctx.featureMirror.write(entries, identity.database, identity.floor);
  if (written.unclaimed) return false;
  await markHeld(ctx, identity, written.held);
  return (await settleRefused(ctx, identity, written.behind)) === written.behind.length;
}

/**
 * Puts entries into Redis and marks exactly the versions Redis holds mirrored (a newer write since stays unmirrored
 * until its own mirror). Answers whether all of them are: false when Redis failed, or is not a whole mirror of this
 * database (the sync job claims it again), and the rest stay pending. Never throws: the write they belong to is
 * already committed.
 */
export async function mirrorEntries(ctx: MirrorContext, entries: readonly HotFeatureEntry[]): Promise<boolean> {
  const mirror = ctx.featureMirror;
  if (!mirror || entries.length === 0) return entries.length === 0;
  return mirrorWith({ ...ctx, featureMirror: mirror }, entries).then(
    (all) => all,
    () => false,
  );
}

/**
 * Whether Redis is a whole mirror of this database: it names it (not none — it lost its data —, another, or a claim
 * under way), its high water mark reaches the highest version marked mirrored (else it was restored from an older
 * snapshot, or a lagging replica took over) and does not pass the version sequence (else PostgreSQL was restored to an
 * earlier point and Redis holds versions it never wrote).
 */
async function wholeMirror(ctx: WithMirror, identity: Identity, owner: string | null): Promise<boolean> {
  if (owner !== identity.database) return false;
  const high = await ctx.featureMirror.highWater();
  const [{ last }] = (await ctx.db.$queryRaw<{ last: bigint }[]>`
    SELECT last_value AS last FROM feature_values_version_seq`) as [{ last: bigint }];
  return high >= identity.floor && high <= last;
}

/**
 * Makes Redis a whole mirror of this database again when it is not one. One claimer wins (compare and set on the
 * marker, which blocks every mirror write until the claim ends); it raises the epoch (marks of writes begun before are
 * void), empties the prefix, marks every row unmirrored with the floor back at 0, then names this database. Answers
 * whether Redis is this database's mirror now.
 */
async function reclaimWhenNotAMirror(ctx: WithMirror): Promise<boolean> {
  const mirror = ctx.featureMirror;
  const [identity, owner] = await Promise.all([mirrorIdentity(ctx), mirror.mirrorOf()]);
  if (owner?.startsWith("claiming:")) return false;
  if (await wholeMirror(ctx, identity, owner)) return true;
  const token = await mirror.startClaim(owner);
  if (!token) return false;
  await ctx.db.featureStoreIdentity.update({
    where: { id: identity.database },
    data: { epoch: { increment: 1 } },
  });
  await mirror.dropMirrored();
  await ctx.db.$transaction([
    ctx.db.$executeRaw`UPDATE feature_values SET hot_synced = false WHERE hot_synced`,
    ctx.db.featureStoreIdentity.update({ where: { id: identity.database }, data: { mirroredThrough: 0 } }),
  ]);
  return mirror.finishClaim(token, identity.database);
}

type PendingRow = { feature_group: string; entity_id: string; version: bigint; values: Record<string, number> };

/**
 * The sync job: claims Redis again when it is not a whole mirror of this database, then mirrors the values writes
 * could not (Redis down, or being claimed), oldest versions first, `batch` at a time, until none is left or Redis
 * fails again. Answers how many it mirrored.
 */
export async function mirrorPendingFeatureValues(ctx: MirrorContext, batch = 5_000): Promise<number> {
  const mirror = ctx.featureMirror;
  if (!mirror) return 0;
  const ready = await reclaimWhenNotAMirror({ ...ctx, featureMirror: mirror }).then(
    (whole) => whole,
    () => false,
  );
  if (!ready) return 0;
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
