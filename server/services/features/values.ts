import type { z } from "zod";
import { badRequest, notFound } from "@/server/errors";
import type { HotFeatureEntry } from "@/server/integrations/feature-store/hot-mirror";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext, SystemContext } from "@/server/services/context";
import { getFeatureGroup } from "@/server/services/features/groups";
import { parseInput } from "@/server/services/parse-input";
import {
  entityInput,
  writeFeatureValuesInput,
  type WriteFeatureValuesOutput,
} from "@/server/services/features/schemas";

type Entity = { id: string; values: Record<string, number> };

/** Every entity carries exactly the group's features: a missing or unknown one fails the write before anything. */
function checkFeatures(entities: readonly Entity[], features: readonly string[]) {
  const expected = new Set(features);
  entities.forEach((entity, index) => {
    const missing = features.find((name) => !(name in entity.values));
    if (missing) throw badRequest(`entities[${index}] ("${entity.id}") has no value for feature "${missing}"`);
    const unknown = Object.keys(entity.values).find((name) => !expected.has(name));
    if (unknown) throw badRequest(`entities[${index}] ("${entity.id}"): the group has no feature "${unknown}"`);
  });
}

type WrittenRow = { entity_id: string; version: bigint };

/**
 * Writes entities' feature values: PostgreSQL first (the truth; one upsert and its audit row in one transaction, each
 * row's version raised), then Redis (the hot path) — when Redis cannot take them now the rows stay marked unmirrored
 * and the worker's sync job mirrors them; the runtime reads PostgreSQL for whatever Redis lacks meanwhile.
 */
export async function writeFeatureValues(
  ctx: ServiceContext,
  rawInput: z.input<typeof writeFeatureValuesInput>,
): Promise<WriteFeatureValuesOutput> {
  const input = parseInput(writeFeatureValuesInput, rawInput);
  const group = await getFeatureGroup(ctx, { group: input.group });
  checkFeatures(input.entities, group.features);
  const ids = input.entities.map((e) => e.id);
  const texts = input.entities.map((e) => JSON.stringify(e.values));
  const written = await ctx.db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<WrittenRow[]>`
      INSERT INTO feature_values (feature_group, entity_id, "values", updated_at, hot_synced)
      SELECT ${group.name}, e.id, e.v::jsonb, now(), false FROM unnest(${ids}::text[], ${texts}::text[]) AS e(id, v)
      ON CONFLICT (feature_group, entity_id) DO UPDATE
        SET "values" = EXCLUDED."values", updated_at = now(), hot_synced = false,
            version = nextval('feature_values_version_seq')
      RETURNING entity_id, version`;
    await recordAudit(tx, ctx.actor, {
      action: "feature-values.write",
      entityType: "FeatureGroup",
      entityId: group.id,
      after: { group: group.name, entities: rows.length },
    });
    return rows;
  });
  const byId = new Map(input.entities.map((e) => [e.id, e.values]));
  const entries = written.map((row) => ({
    group: group.name,
    entityId: row.entity_id,
    version: row.version,
    values: byId.get(row.entity_id)!,
  }));
  const mirrored = await mirror(ctx, entries);
  return { written: written.length, hotPath: mirrored ? "mirrored" : "pending" };
}

/**
 * Puts entries into Redis and marks exactly those versions mirrored (a newer write since stays unmirrored until its
 * own mirror). False when Redis could not take them: they stay pending.
 */
async function mirror(ctx: Pick<SystemContext, "db" | "featureMirror">, entries: HotFeatureEntry[]): Promise<boolean> {
  // A Redis holding no mirror of this database (or another's) is claimed first, so these versions are not refused
  // by another database's and nothing it lost stays missing.
  const mirror = ctx.featureMirror;
  if (!mirror || entries.length === 0) return entries.length === 0;
  const ok = await remirrorWhenRedisLostData(ctx)
    .then(() => mirror.write(entries))
    .then(
      () => true,
      () => false,
    );
  if (!ok) return false;
  const groups = entries.map((e) => e.group);
  const ids = entries.map((e) => e.entityId);
  const versions = entries.map((e) => e.version);
  await ctx.db.$executeRaw`
    UPDATE feature_values f SET hot_synced = true
    FROM unnest(${groups}::text[], ${ids}::text[], ${versions}::bigint[]) AS m(g, id, v)
    WHERE f.feature_group = m.g AND f.entity_id = m.id AND f.version = m.v`;
  return true;
}

type PendingRow = { feature_group: string; entity_id: string; version: bigint; values: Record<string, number> };

const identities = new WeakMap<object, Promise<string>>();

/** This database, as a Redis mirror names it: a database dropped and created again under the same name differs. */
function databaseIdentity(ctx: Pick<SystemContext, "db">): Promise<string> {
  let identity = identities.get(ctx.db);
  if (!identity) {
    identity = ctx.db.$queryRaw<{ id: string }[]>`
      SELECT (SELECT system_identifier::text FROM pg_control_system()) || ':' || oid::text AS id
      FROM pg_database WHERE datname = current_database()`.then((rows) => rows[0]!.id);
    identity.catch(() => identities.delete(ctx.db));
    identities.set(ctx.db, identity);
  }
  return identity;
}

/**
 * A Redis that lost its data (restarted without persistence, replaced), or holds another database's mirror, does not
 * name this database: every row is marked unmirrored first, then Redis claimed (another database's values dropped),
 * so the loop below mirrors everything again. Meanwhile the runtime reads what Redis lacks from PostgreSQL.
 */
async function remirrorWhenRedisLostData(ctx: Pick<SystemContext, "db" | "featureMirror">) {
  const mirror = ctx.featureMirror;
  if (!mirror) return;
  const [database, mirrored] = await Promise.all([databaseIdentity(ctx), mirror.mirrorOf()]);
  if (mirrored === database) return;
  await ctx.db.$executeRaw`UPDATE feature_values SET hot_synced = false WHERE hot_synced`;
  await mirror.claim(database, mirrored);
}

/**
 * Mirrors into Redis the values writes could not (Redis was down) — or all of them when Redis lost its data —
 * oldest versions first, `batch` at a time, until none is left or Redis fails again. Answers how many it mirrored.
 * Safe to run anywhere at once: Redis keeps the newer of two versions, and only the version mirrored is marked.
 */
export async function mirrorPendingFeatureValues(
  ctx: Pick<SystemContext, "db" | "featureMirror">,
  batch = 5_000,
): Promise<number> {
  const redisAnswers = await remirrorWhenRedisLostData(ctx).then(
    () => true,
    () => false,
  );
  if (!redisAnswers) return 0;
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
    if (entries.length === 0 || !(await mirror(ctx, entries))) return total;
    total += entries.length;
    if (entries.length < batch) return total;
  }
}

/** One entity's stored values, their version and whether Redis has them. */
export async function getEntityValues(ctx: ReadContext, rawInput: z.input<typeof entityInput>) {
  const input = parseInput(entityInput, rawInput);
  const row = await ctx.db.featureValue.findUnique({
    where: { groupName_entityId: { groupName: input.group, entityId: input.entityId } },
  });
  if (!row) throw notFound(`Entity "${input.entityId}" in feature group "${input.group}"`);
  return {
    group: row.groupName,
    entityId: row.entityId,
    values: row.values as Record<string, number>,
    version: row.version.toString(),
    updatedAt: row.updatedAt,
    mirrored: row.hotSynced,
  };
}
