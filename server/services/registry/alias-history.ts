import { z } from "zod";
import type { ReadContext } from "@/server/services/context";
import { aliasEventSelect, toAliasEvent } from "@/server/services/registry/alias-event-view";
import { badRequest } from "@/server/errors";
import { findModelId } from "@/server/services/registry/find-model";
import { parseInput } from "@/server/services/parse-input";
import {
  aliasHistoryPageInput,
  modelRefSchema,
  type aliasEventPageOutput,
  type AliasEvent,
  type aliasTimelineOutput,
  type versionAtOutput,
} from "@/server/services/registry/schemas";

/** The moves an alias's timeline lists (REST GET …/aliases/{alias}/history). */
const TIMELINE_EVENTS = 200;

const newestFirst = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/** The model's alias moves (or one alias's), newest first. */
export async function aliasEventsOf(
  ctx: ReadContext,
  modelId: string,
  alias: string | undefined,
  limit: number,
): Promise<AliasEvent[]> {
  const rows = await ctx.db.aliasEvent.findMany({
    where: { modelId, alias },
    orderBy: newestFirst,
    take: limit,
    select: aliasEventSelect,
  });
  return rows.map(toAliasEvent);
}

/**
 * The last move of the alias at or before the instant: it says where the alias pointed then
 * (nowhere if it was removed). Answered from the append-only log, never from the current pointer.
 */
async function aliasEventAt(ctx: ReadContext, modelId: string, alias: string, at: Date): Promise<AliasEvent | null> {
  const row = await ctx.db.aliasEvent.findFirst({
    where: { modelId, alias, createdAt: { lte: at } },
    orderBy: newestFirst,
    select: aliasEventSelect,
  });
  return row ? toAliasEvent(row) : null;
}

const answer = (alias: string, at: Date, event: AliasEvent | null): z.infer<typeof versionAtOutput> => ({
  alias,
  at,
  version: event?.toVersion ?? null,
  event,
});

/**
 * One page of the model's alias moves (or one alias's), newest first. The cursor is the last
 * event's id: the log is append-only, so a page never shifts when aliases move meanwhile.
 */
export async function aliasHistory(
  ctx: ReadContext,
  name: string,
  rawInput: z.input<typeof aliasHistoryPageInput> = {},
): Promise<z.infer<typeof aliasEventPageOutput>> {
  const modelId = await findModelId(ctx, parseInput(modelRefSchema, name));
  const { alias, cursor, limit } = parseInput(aliasHistoryPageInput, rawInput);
  const after = cursor == null ? null : BigInt(cursor);
  // A cursor names an event of this list: any other id would quietly read as "no more moves".
  if (after !== null && (await ctx.db.aliasEvent.count({ where: { id: after, modelId, alias } })) === 0) {
    throw badRequest("Not a cursor of this list");
  }
  const rows = await ctx.db.aliasEvent.findMany({
    where: { modelId, alias },
    orderBy: newestFirst,
    ...(after === null ? {} : { cursor: { id: after }, skip: 1 }),
    take: limit + 1,
    select: aliasEventSelect,
  });
  const items = rows.slice(0, limit).map(toAliasEvent);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

const versionAtInput = z.object({ alias: z.string().min(1).max(40), at: z.coerce.date() });

/** Which version held the alias at an instant (version null: none did). */
export async function versionAt(
  ctx: ReadContext,
  name: string,
  rawInput: z.input<typeof versionAtInput>,
): Promise<z.infer<typeof versionAtOutput>> {
  const modelId = await findModelId(ctx, parseInput(modelRefSchema, name));
  const { alias, at } = parseInput(versionAtInput, rawInput);
  return answer(alias, at, await aliasEventAt(ctx, modelId, alias, at));
}

/** An alias's history plus, when an instant is given, the version it pointed at then. */
export async function aliasTimeline(
  ctx: ReadContext,
  name: string,
  alias: string,
  at?: Date,
): Promise<z.infer<typeof aliasTimelineOutput>> {
  const modelName = parseInput(modelRefSchema, name);
  const modelId = await findModelId(ctx, modelName);
  const [events, eventThen] = await Promise.all([
    aliasEventsOf(ctx, modelId, alias, TIMELINE_EVENTS),
    at ? aliasEventAt(ctx, modelId, alias, at) : null,
  ]);
  return { model: modelName, alias, events, versionAt: at ? answer(alias, at, eventThen) : null };
}
