import { createHash } from "node:crypto";
import type { z } from "zod";
import { AppError, badRequest, notFound } from "@/server/errors";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { firstRunIdsOf } from "@/server/services/experiments/list-runs";
import { parseInput } from "@/server/services/experiments/parse-input";
import { assertRunsExist } from "@/server/services/experiments/runs-not-found";
import {
  MAX_COMPARE_RUNS,
  runSelectionIdSchema,
  saveMatchingRunsInput,
  saveRunSelectionInput,
  type runSelectionOutput,
  type savedMatchingRunsOutput,
} from "@/server/services/experiments/schemas";

type RunSelection = z.infer<typeof runSelectionOutput>;

/** 128 bits of the SHA-256 of the ids in order: the same list always gets the same id, a different one never does. */
export function runSelectionId(runIds: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(runIds)).digest("base64url").slice(0, 22);
}

/** New selections one person may save per hour: anyone who reads may save, so this bounds what one can write. */
export const SELECTIONS_PER_HOUR = 120;
const HOUR_MS = 3_600_000;

const overQuota = () =>
  new AppError(
    "TOO_MANY_REQUESTS",
    `You saved ${SELECTIONS_PER_HOUR} selections in the last hour; compare one you saved, or try again later`,
  );

function savedRecently(db: Pick<ServiceContext["db"], "runSelection">, ctx: ServiceContext, now: Date) {
  const since = new Date(now.getTime() - HOUR_MS);
  return db.runSelection.count({ where: { createdById: ctx.actor.userId, createdAt: { gte: since } } });
}

/**
 * Saves the list unless it exists already. One person's saves take turns (a transaction-scoped advisory lock on
 * their id), so requests sent at once cannot all pass the hourly quota's count.
 */
async function store(ctx: ServiceContext, runIds: string[]): Promise<RunSelection> {
  await assertRunsExist(ctx, runIds);
  const id = runSelectionId(runIds);
  const now = ctx.clock();
  await ctx.db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${`run-selections:${ctx.actor.userId}`}))::text`;
    if ((await tx.runSelection.count({ where: { id } })) > 0) return;
    if ((await savedRecently(tx, ctx, now)) >= SELECTIONS_PER_HOUR) throw overQuota();
    // Another person may save the same list at this moment: theirs and this one are the same row.
    await tx.runSelection.createMany({
      data: [{ id, runIds, createdById: ctx.actor.userId, createdAt: now }],
      skipDuplicates: true,
    });
  });
  return { id, runIds };
}

/** Saves up to 1,000 runs, in order, for a compare link too short to list them. */
export async function saveRunSelection(
  ctx: ServiceContext,
  rawInput: z.input<typeof saveRunSelectionInput>,
): Promise<RunSelection> {
  return store(ctx, parseInput(saveRunSelectionInput, rawInput).runIds);
}

/** Saves the first 1,000 runs a runs-table view lists (its filter and sort), in that order. */
export async function saveMatchingRuns(
  ctx: ServiceContext,
  rawInput: z.input<typeof saveMatchingRunsInput>,
): Promise<z.infer<typeof savedMatchingRunsOutput>> {
  const view = parseInput(saveMatchingRunsInput, rawInput);
  // Refused before reading up to 1,000 runs: the new list would almost surely be a new selection.
  if ((await savedRecently(ctx.db, ctx, ctx.clock())) >= SELECTIONS_PER_HOUR) throw overQuota();
  const { runIds, total } = await firstRunIdsOf(ctx, view, MAX_COMPARE_RUNS);
  if (runIds.length === 0) throw badRequest("No run matches this filter");
  return { ...(await store(ctx, runIds)), total };
}

/** The runs of a saved selection, in the order they were saved. */
export async function getRunSelection(ctx: ReadContext, rawId: string): Promise<RunSelection> {
  const id = parseInput(runSelectionIdSchema, rawId);
  const row = await ctx.db.runSelection.findUnique({ where: { id }, select: { id: true, runIds: true } });
  if (!row) throw notFound("Saved selection");
  return row;
}

/** The runs a request names: by id, or a saved selection's (its schema allows one or the other). */
export async function runIdsNamedBy(
  ctx: ReadContext,
  named: { runIds?: string[]; selection?: string },
): Promise<string[]> {
  if (named.runIds) return named.runIds;
  if (named.selection) return (await getRunSelection(ctx, named.selection)).runIds;
  throw badRequest("Name the runs either by runIds or by a saved selection");
}
