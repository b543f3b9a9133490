import type { Prisma } from "@/server/db/generated/client";
import { badRequest, conflict } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { assertRunning, lockRun } from "@/server/services/experiments/lock-run";
import { lastPointPerStep, writeMetricPoints } from "@/server/services/experiments/metric-points";
import { parseInput } from "@/server/services/experiments/parse-input";
import { logBatchInput, type LogBatchInput } from "@/server/services/experiments/schemas";

export type LogBatchResult = {
  runId: string;
  paramsLogged: number;
  metricPoints: number;
  metricKeys: string[];
  tagsSet: number;
};

/** Params are immutable once logged (as in MLflow): the same value again is fine, another is a conflict. */
async function newParams(tx: Prisma.TransactionClient, runId: string, params: [string, string][]) {
  if (params.length === 0) return [];
  const existing = await tx.runParam.findMany({
    where: { runId, key: { in: params.map(([key]) => key) } },
    select: { key: true, value: true },
  });
  const logged = new Map(existing.map((p) => [p.key, p.value]));
  for (const [key, value] of params) {
    const previous = logged.get(key);
    if (previous !== undefined && previous !== value) {
      throw conflict(
        `Param "${key}" was already logged as "${previous}" and cannot be changed to "${value}" (params are immutable)`,
      );
    }
  }
  return params.filter(([key]) => !logged.has(key));
}

/**
 * Logs params, metric points and tags to a RUNNING run in one transaction: either all of the batch
 * is written or none of it.
 */
export async function logBatch(ctx: ServiceContext, runId: string, rawInput: LogBatchInput): Promise<LogBatchResult> {
  const input = parseInput(logBatchInput, rawInput);
  const params = Object.entries(input.params ?? {});
  const tags = input.tags ?? {};
  const now = Date.now();
  const points = lastPointPerStep(
    // -0 is stored as 0 (its text form is "0"); the preview merged from the batch must hold the stored value.
    (input.metrics ?? []).map((m) => ({ key: m.key, step: m.step, value: m.value + 0, timestamp: m.timestamp ?? now })),
  );
  if (params.length === 0 && points.length === 0 && Object.keys(tags).length === 0) {
    throw badRequest("Nothing to log: give params, metrics or tags");
  }
  return ctx.db.$transaction(
    async (tx) => {
      const run = await lockRun(tx, runId);
      assertRunning(run);
      const freshParams = await newParams(tx, run.id, params);
      if (freshParams.length > 0) {
        await tx.runParam.createMany({ data: freshParams.map(([key, value]) => ({ runId: run.id, key, value })) });
      }
      if (Object.keys(tags).length > 0) {
        await tx.$executeRaw`UPDATE "Run" SET "tags" = "tags" || ${JSON.stringify(tags)}::jsonb WHERE "id" = ${run.id}`;
      }
      const metricKeys = await writeMetricPoints(tx, run.id, points);
      await recordAudit(tx, ctx.actor, {
        action: "run.log",
        entityType: "Run",
        entityId: run.id,
        after: {
          params: Object.fromEntries(freshParams),
          metricKeys,
          metricPoints: points.length,
          tags,
        },
      });
      return {
        runId: run.id,
        paramsLogged: freshParams.length,
        metricPoints: points.length,
        metricKeys,
        tagsSet: Object.keys(tags).length,
      };
    },
    { timeout: 30_000 },
  );
}
