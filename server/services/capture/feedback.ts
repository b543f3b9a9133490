import type { z } from "zod";
import { feedbackInput, type FeedbackOutput, type FeedbackRowStatus } from "@/contracts/feedback";
import { classesOf, type OutcomeSpec } from "@/contracts/outcomes";
import { AppError, badRequest, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import {
  checkResolved,
  checkRows,
  sameTruth,
  type CheckedRow,
  type RowIssue,
} from "@/server/services/capture/feedback-rows";
import {
  candidatesOf,
  lookUpCaptured,
  storedFeedback,
  upsertOutcomes,
  type Captured,
  type CapturedLookup,
  type OutcomeWrite,
} from "@/server/services/capture/feedback-write";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";

/*
 * Ground truth from callers. Invariants:
 * - a call writes all of its outcomes or none: any invalid row (wrong label or value for the model, a time in the
 *   future or before the prediction, a key repeated with a different outcome) refuses the whole call with every
 *   problem listed per row, before anything is written;
 * - a row only ever reaches a prediction captured for THIS endpoint: another endpoint's prediction id is unknown;
 * - a correlation id matching several predictions is reported ambiguous and writes nothing for that row;
 * - repeating a call changes nothing (all unchanged); two identical calls at once write each outcome once;
 * - a stored outcome is replaced only by a different one that became known later;
 * - one audit row per call, in the same transaction, with the counts.
 */

/** 10,000 rows are one statement, but a busy database may need more than Prisma's default 5 s. */
const TRANSACTION_OPTIONS = { timeout: 60_000, maxWait: 10_000 };

type FeedbackContext = Pick<ServiceContext, "db" | "actor" | "clock">;

export type FeedbackEndpoint = { id: string; name: string; spec: OutcomeSpec };

/** The endpoint by name, with how its model's outcomes are compared; only classifiers and regressors take feedback. */
export async function feedbackEndpoint(ctx: Pick<ServiceContext, "db">, name: string): Promise<FeedbackEndpoint> {
  const endpoint = await ctx.db.endpoint.findUnique({
    where: { name },
    select: {
      id: true,
      name: true,
      model: { select: { taskType: true, outcomeClasses: true, decisionThreshold: true } },
    },
  });
  if (!endpoint) throw notFound(`Endpoint "${name}"`);
  const { model } = endpoint;
  if (model.taskType === "CLASSIFICATION") {
    const spec = {
      kind: "classification",
      classes: classesOf(model.outcomeClasses),
      decisionThreshold: model.decisionThreshold,
    } as const;
    return { id: endpoint.id, name: endpoint.name, spec };
  }
  if (model.taskType === "REGRESSION") return { id: endpoint.id, name: endpoint.name, spec: { kind: "regression" } };
  throw new AppError(
    "UNPROCESSABLE",
    `Endpoint "${name}" serves a ${model.taskType} model: feedback takes classes (classifiers) or numbers (regressors)`,
  );
}

function refuse(issues: RowIssue[]): never {
  const rows = new Set(issues.map((issue) => issue.path.split(".")[1])).size;
  throw badRequest(`${rows} outcome row(s) are invalid; nothing was written`, { issues });
}

type Resolution = { row: CheckedRow; status: "unknown" | "ambiguous" } | { row: CheckedRow; prediction: Captured };

function resolve(lookup: CapturedLookup, rows: CheckedRow[]): Resolution[] {
  return rows.map((row) => {
    const candidates = candidatesOf(lookup, row);
    if (candidates.length === 0) return { row, status: "unknown" };
    if (candidates.length > 1) return { row, status: "ambiguous" };
    return { row, prediction: candidates[0]! };
  });
}

/** One write per prediction: rows reaching the same one agree (checked), and the earliest knownAt counts. */
function writesOf(resolutions: Resolution[]): OutcomeWrite[] {
  const byPrediction = new Map<string, OutcomeWrite>();
  for (const resolution of resolutions) {
    if (!("prediction" in resolution)) continue;
    const { prediction, row } = resolution;
    const seen = byPrediction.get(prediction.id);
    if (!seen || row.knownAt < seen.knownAt) {
      byPrediction.set(prediction.id, { prediction, truth: row.truth, knownAt: row.knownAt });
    }
  }
  return [...byPrediction.values()];
}

type Stored = Awaited<ReturnType<typeof storedFeedback>>;

function rowResult(
  resolution: Resolution,
  written: { created: Set<string>; updated: Set<string> },
  stored: Stored,
): FeedbackOutput["rows"][number] {
  const { index } = resolution.row;
  if (!("prediction" in resolution)) {
    const note =
      resolution.status === "unknown"
        ? `No prediction of this endpoint has this ${resolution.row.key.kind}`
        : `Several predictions of this endpoint have this ${resolution.row.key.kind}`;
    return { index, status: resolution.status, note };
  }
  const predictionId = resolution.prediction.id;
  const status: FeedbackRowStatus = written.created.has(predictionId)
    ? "created"
    : written.updated.has(predictionId)
      ? "updated"
      : "unchanged";
  const before = stored.get(predictionId);
  const stale = status === "unchanged" && before && !sameTruth(before, resolution.row.truth);
  return stale
    ? { index, status, predictionId, note: `A different outcome known at ${before.knownAt.toISOString()} is kept` }
    : { index, status, predictionId };
}

function countsOf(rows: FeedbackOutput["rows"]): FeedbackOutput["counts"] {
  const counts = { created: 0, updated: 0, unchanged: 0, unknown: 0, ambiguous: 0 };
  for (const row of rows) counts[row.status] += 1;
  return counts;
}

/** Records callers' outcomes for an endpoint's captured predictions (POST /endpoints/{endpoint}/feedback). */
export async function sendFeedback(
  ctx: FeedbackContext,
  endpointName: string,
  input: z.input<typeof feedbackInput>,
): Promise<FeedbackOutput> {
  const { outcomes } = parseInput(feedbackInput, input);
  const endpoint = await feedbackEndpoint(ctx, endpointName);
  const checked = checkRows(outcomes, endpoint.spec, ctx.clock());
  if (checked.issues.length > 0) refuse(checked.issues);
  const resolutions = resolve(await lookUpCaptured(ctx, endpoint.id, checked.rows), checked.rows);
  const matchOf = new Map(resolutions.flatMap((r) => ("prediction" in r ? [[r.row.index, r.prediction]] : [])));
  const resolvedIssues = checkResolved(checked.rows, (row) => matchOf.get(row.index));
  if (resolvedIssues.length > 0) refuse(resolvedIssues);
  const writes = writesOf(resolutions);

  return ctx.db.$transaction(async (tx) => {
    const stored = await storedFeedback(
      tx,
      writes.map((write) => write.prediction.id),
    );
    const written = await upsertOutcomes(tx, {
      endpointId: endpoint.id,
      spec: endpoint.spec,
      recordedById: ctx.actor.userId,
      writes,
    });
    const rows = resolutions.map((resolution) => rowResult(resolution, written, stored));
    const counts = countsOf(rows);
    await recordAudit(tx, ctx.actor, {
      action: "feedback.send",
      entityType: "Endpoint",
      entityId: endpoint.id,
      after: { endpoint: endpoint.name, rows: rows.length, ...counts },
    });
    return { endpoint: endpoint.name, counts, rows };
  }, TRANSACTION_OPTIONS);
}
