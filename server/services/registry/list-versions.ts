import type { z } from "zod";
import type { ReadContext } from "@/server/services/context";
import { findModelId } from "@/server/services/registry/find-model";
import { parseInput } from "@/server/services/parse-input";
import { modelRefSchema, versionPageInput, type versionPageOutput } from "@/server/services/registry/schemas";
import { toVersionView, versionSelect } from "@/server/services/registry/version-view";

/**
 * One page of a model's versions, newest first, keyed by version number: a page reads its rows
 * from the (modelId, version) index however many versions the model has, and versions registered
 * while someone pages are neither skipped nor repeated.
 */
export async function listVersions(
  ctx: ReadContext,
  name: string,
  rawInput: z.input<typeof versionPageInput> = {},
): Promise<z.infer<typeof versionPageOutput>> {
  const modelId = await findModelId(ctx, parseInput(modelRefSchema, name));
  const { cursor, limit } = parseInput(versionPageInput, rawInput);
  return versionsPage(ctx, modelId, cursor ?? null, limit);
}

/** Up to `limit` of the model's versions numbered below `before` (null: the newest), and where the next page starts. */
export async function versionsPage(
  ctx: ReadContext,
  modelId: string,
  before: number | null,
  limit: number,
): Promise<z.infer<typeof versionPageOutput>> {
  const rows = await ctx.db.modelVersion.findMany({
    where: { modelId, version: before === null ? undefined : { lt: before } },
    orderBy: { version: "desc" },
    take: limit + 1,
    select: versionSelect,
  });
  const items = rows.slice(0, limit).map(toVersionView);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.version ?? null) : null };
}
