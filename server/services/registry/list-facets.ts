import type { z } from "zod";
import type { ReadContext } from "@/server/services/context";
import type { tagCountListOutput, teamOptionListOutput } from "@/server/services/registry/schemas";

/** Every tag in use with how many models carry it, for the tag filter. */
export async function listModelTags(ctx: ReadContext): Promise<z.infer<typeof tagCountListOutput>> {
  const rows = await ctx.db.$queryRaw<{ tag: string; count: bigint }[]>`
    SELECT tag, COUNT(*) AS count FROM "RegisteredModel", unnest("tags") AS tag
    GROUP BY tag ORDER BY count DESC, tag ASC LIMIT 500`;
  return rows.map((row) => ({ tag: row.tag, count: Number(row.count) }));
}

export async function listTeams(ctx: ReadContext): Promise<z.infer<typeof teamOptionListOutput>> {
  return ctx.db.team.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } });
}
