import { samplingSettingsSchema } from "@/contracts/labels";
import { notFound } from "@/server/errors";
import type { Prisma } from "@/server/db/generated/client";
import type { SystemContext } from "@/server/services/context";
import { outcomeSpecOf } from "@/server/services/labels/model-spec";
import { budgetFactor, designOf, runAllowance, uniformOf, type Design } from "@/server/services/labels/sampling-design";
import { strataOf, type Candidate } from "@/server/services/labels/sampling-strata";

/**
 * One sampler run for one queue: considers the captured predictions of the model's endpoints after the queue's
 * cursor (up to now − the disagreement window, so a prediction's partner and late loader rows have arrived), decides
 * each by its design (sampling-design.ts) and inserts the picked ones with their exact inclusion probability.
 *
 * Concurrency: the run holds the queue row's lock (SELECT … FOR UPDATE) from reading the cursor and the day's spend
 * until it commits the items and the new cursor, so two runs of one queue take turns and the second sees the first's
 * cursor and spend; the unique key (queueId, predictionId) and the deterministic draw make any rerun a no-op.
 */

export const SAMPLER_BATCH = 20_000;
/** How far back a new queue's first run looks. */
export const INITIAL_LOOKBACK_MS = 86_400_000;

export type SampleRunResult = {
  queueId: string;
  considered: number;
  expected: number;
  allowance: number;
  budgetFactor: number;
  inserted: number;
  cursorAt: Date | null;
};

type Tx = Prisma.TransactionClient;
type QueueRow = Awaited<ReturnType<typeof lockQueue>>;

async function lockQueue(tx: Tx, queueId: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "LabelQueue" WHERE id = ${queueId} FOR UPDATE`;
  if (locked.length === 0) throw notFound("Label queue");
  return tx.labelQueue.findUniqueOrThrow({
    where: { id: queueId },
    include: {
      model: {
        select: { taskType: true, outcomeClasses: true, decisionThreshold: true, endpoints: { select: { id: true } } },
      },
    },
  });
}

function afterCursor(queue: QueueRow): Prisma.CapturedPredictionWhereInput {
  const start = queue.cursorAt ?? new Date(queue.createdAt.getTime() - INITIAL_LOOKBACK_MS);
  if (!queue.cursorAt || !queue.cursorId) return { predictedAt: { gt: start } };
  return { OR: [{ predictedAt: { gt: start } }, { predictedAt: start, id: { gt: queue.cursorId } }] };
}

async function candidatesOf(tx: Tx, queue: QueueRow, until: Date): Promise<Candidate[]> {
  const rows = await tx.capturedPrediction.findMany({
    where: {
      endpointId: { in: queue.model.endpoints.map((e) => e.id) },
      predictedAt: { lte: until },
      // A shadow variant's predictions reached nobody: nothing to label.
      mirrorOf: null,
      AND: [afterCursor(queue)],
    },
    orderBy: [{ predictedAt: "asc" }, { id: "asc" }],
    take: SAMPLER_BATCH,
    select: {
      id: true,
      predictedAt: true,
      endpointId: true,
      variantName: true,
      versionId: true,
      correlationId: true,
      inputs: true,
      outputs: true,
      score: true,
      captureProbability: true,
    },
  });
  // The filter on endpointId already excludes rows without one; this only narrows the type.
  return rows.flatMap((row) => (row.endpointId ? [{ ...row, endpointId: row.endpointId }] : []));
}

const startOfUtcDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

function itemRow(queueId: string, c: Candidate, design: Design, factor: number): Prisma.LabelItemCreateManyInput {
  return {
    queueId,
    predictionId: c.id,
    endpointId: c.endpointId,
    variantName: c.variantName,
    versionId: c.versionId,
    predictedAt: c.predictedAt,
    correlationId: c.correlationId,
    inputs: c.inputs ?? {},
    outputs: c.outputs ?? {},
    score: c.score,
    stratum: design.stratum,
    strata: design.strata,
    inclusionProbability: c.captureProbability * factor * design.probability,
    budgetFactor: factor,
  };
}

async function runLocked(ctx: Pick<SystemContext, "db" | "clock">, tx: Tx, queueId: string): Promise<SampleRunResult> {
  const queue = await lockQueue(tx, queueId);
  const settings = samplingSettingsSchema.parse(queue.sampling);
  const now = ctx.clock();
  const until = new Date(now.getTime() - settings.disagreementWindowSeconds * 1000);
  const windowStart = queue.cursorAt ?? new Date(queue.createdAt.getTime() - INITIAL_LOOKBACK_MS);
  const candidates = until > windowStart ? await candidatesOf(tx, queue, until) : [];
  const full = candidates.length === SAMPLER_BATCH;
  const last = candidates.at(-1);
  const windowEnd = full && last ? last.predictedAt : until;

  const strata = await strataOf(tx, candidates, {
    endpointIds: queue.model.endpoints.map((e) => e.id),
    spec: outcomeSpecOf(queue.model),
    taskType: queue.model.taskType,
    settings,
  });
  const designs = candidates.flatMap((c) => {
    const design = designOf(strata.get(c.id) ?? ["AUDIT"], settings.rates);
    return design ? [{ candidate: c, design }] : [];
  });
  const expected = designs.reduce((sum, d) => sum + d.design.probability, 0);
  const spent = await tx.labelItem.count({ where: { queueId, sampledAt: { gte: startOfUtcDay(now) } } });
  const remaining = queue.dailyBudget - spent;
  const allowance = runAllowance(remaining, windowStart, windowEnd, now);
  const factor = budgetFactor(expected, allowance, remaining);

  const picked = designs.filter(
    ({ candidate, design }) => uniformOf(queue.salt, candidate.id) < factor * design.probability,
  );
  const { count } = await tx.labelItem.createMany({
    data: picked.map(({ candidate, design }) => ({ ...itemRow(queueId, candidate, design, factor), sampledAt: now })),
    skipDuplicates: true,
  });
  const cursor = full && last ? { cursorAt: last.predictedAt, cursorId: last.id } : { cursorAt: until, cursorId: null };
  if (until > windowStart || full) await tx.labelQueue.update({ where: { id: queueId }, data: cursor });
  return {
    queueId,
    considered: candidates.length,
    expected,
    allowance,
    budgetFactor: factor,
    inserted: count,
    cursorAt: until > windowStart || full ? cursor.cursorAt : queue.cursorAt,
  };
}

/** Samples one queue now (the job's work, also on demand). */
export function sampleQueue(ctx: Pick<SystemContext, "db" | "clock">, queueId: string): Promise<SampleRunResult> {
  return ctx.db.$transaction((tx) => runLocked(ctx, tx, queueId), { timeout: 120_000, maxWait: 30_000 });
}

/** Samples every queue in turn (the repeatable job). */
export async function sampleAllQueues(ctx: Pick<SystemContext, "db" | "clock">): Promise<SampleRunResult[]> {
  const queues = await ctx.db.labelQueue.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } });
  const results: SampleRunResult[] = [];
  for (const { id } of queues) results.push(await sampleQueue(ctx, id));
  return results;
}
