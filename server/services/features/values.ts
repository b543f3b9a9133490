import type { z } from "zod";
import { badRequest, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { mirrorEntries } from "@/server/services/features/mirror";
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
    const missing = features.find((name) => !Object.hasOwn(entity.values, name));
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
      -- One lock order for every writer: two writes of the same entities never deadlock.
      ORDER BY e.id
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
  const mirrored = await mirrorEntries(ctx, entries);
  return { written: written.length, hotPath: mirrored ? "mirrored" : "pending" };
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
