import { gateRuleSchema } from "@/contracts/golden-sets";
import { type OutcomeSpec, predictedOutcome } from "@/contracts/outcomes";
import { firstNumericOutput } from "@/contracts/prediction-capture";
import type { Prediction } from "@/contracts/runtime-predict";
import type { GateEvaluationStatus } from "@/server/db/generated/enums";
import { badRequest } from "@/server/errors";
import type { SystemContext } from "@/server/services/context";
import type { FeatureValue } from "@/server/services/labels/golden-sets-hash";
import { goldenSetSpecOf, signatureOf } from "@/server/services/labels/golden-sets-spec";
import { applyGateRule } from "@/server/services/quality/gate/apply-rule";
import { trainingOverlap } from "@/server/services/labels/golden-sets-overlap";
import type { GoldenOutcomes, Predictions } from "@/server/services/quality/gate/golden-metrics";
import { predictOnScratchEndpoint, type ScratchVariant } from "@/server/services/quality/gate/scratch-endpoint";
import { errorMessage } from "@/lib/error-message";

/*
 * Invariants of a gate evaluation:
 * - it runs at most to one finished state: a job for a PASSED/FAILED/ERROR evaluation does nothing;
 * - both models see exactly the stored golden rows, on the real runtime, each answer checked to come from the
 *   variant asked; the scratch endpoint is deleted whatever happens;
 * - a run that cannot finish records ERROR with the reason — never PASSED — and a promotion cannot pass an ERROR.
 */

/** Where the runtime reads a version's artifact from (the local artifact store's blob path). */
export type ModelPathOf = (sha256: string) => Promise<string>;

const VERSION_SELECT = {
  version: true,
  signature: true,
  artifact: { select: { sha256: true } },
  model: { select: { name: true, taskType: true, outcomeClasses: true, decisionThreshold: true } },
} as const;

function firstLabelOutput(prediction: Prediction): string | null {
  for (const key in prediction) {
    const value = prediction[key];
    const scalar = Array.isArray(value) && value.length === 1 ? value[0] : value;
    if (typeof scalar === "string") return scalar;
  }
  return null;
}

function toPredictions(spec: OutcomeSpec, predictions: Prediction[]): Predictions {
  if (spec.kind === "regression") return Float64Array.from(predictions, (p) => firstNumericOutput(p) ?? Number.NaN);
  return Int32Array.from(predictions, (p) => {
    const outcome = predictedOutcome(spec, firstNumericOutput(p) ?? null, firstLabelOutput(p));
    return outcome.label === null ? -1 : spec.classes.indexOf(outcome.label);
  });
}

function toOutcomes(
  spec: OutcomeSpec,
  rows: readonly { expectedLabel: string | null; expectedValue: number | null }[],
): GoldenOutcomes {
  if (spec.kind === "regression")
    return { kind: "regression", expected: Float64Array.from(rows, (r) => r.expectedValue ?? Number.NaN) };
  return {
    kind: "classification",
    classes: spec.classes,
    expected: Int32Array.from(rows, (r) => spec.classes.indexOf(r.expectedLabel ?? "")),
  };
}

async function loadEvaluation(ctx: SystemContext, evaluationId: string) {
  const evaluation = await ctx.db.gateEvaluation.findUniqueOrThrow({
    where: { id: evaluationId },
    include: {
      candidate: { select: VERSION_SELECT },
      champion: { select: VERSION_SELECT },
      goldenSet: { include: { rows: { orderBy: { position: "asc" } } } },
    },
  });
  if (evaluation.goldenSet.contentHash !== evaluation.goldenSetHash)
    throw new Error("The golden set's content hash differs from the one this evaluation was requested on");
  return evaluation;
}

type Loaded = Awaited<ReturnType<typeof loadEvaluation>>;

async function scratchVariant(
  variantName: string,
  version: NonNullable<Loaded["champion"]>,
  modelPathOf: ModelPathOf,
): Promise<ScratchVariant> {
  if (!version.artifact) throw badRequest(`Version ${version.version} has no artifact to evaluate`);
  return {
    variantName,
    modelName: version.model.name,
    version: version.version,
    modelPath: await modelPathOf(version.artifact.sha256),
    sha256: version.artifact.sha256,
    signature: signatureOf(version),
  };
}

async function compute(ctx: SystemContext, evaluation: Loaded, modelPathOf: ModelPathOf) {
  const spec = goldenSetSpecOf(evaluation.candidate.model);
  const rule = gateRuleSchema.parse(evaluation.rule);
  const variants = [await scratchVariant("candidate", evaluation.candidate, modelPathOf)];
  if (evaluation.champion) variants.push(await scratchVariant("champion", evaluation.champion, modelPathOf));
  const rows = evaluation.goldenSet.rows.map((row) => row.features as Record<string, FeatureValue>);
  const [candidate, champion] = await predictOnScratchEndpoint(ctx.runtime, `gate-${evaluation.id}`, variants, rows);
  const verdict = applyGateRule(
    rule,
    toOutcomes(spec, evaluation.goldenSet.rows),
    toPredictions(spec, candidate!),
    champion ? toPredictions(spec, champion) : null,
    evaluation.seed,
  );
  const overlap = await trainingOverlap(
    ctx,
    evaluation.candidateVersionId,
    variants[0]!.signature.inputs,
    rows.map((features) => ({ features })),
  );
  if (overlap && overlap.count > 0)
    verdict.warnings.push(
      `${overlap.count} of ${rows.length} golden rows also appear in the candidate's training sample (${overlap.sampleRows} rows): its scores on them are optimistic`,
    );
  return verdict;
}

/**
 * Runs a queued (or interrupted) evaluation to PASSED or FAILED, or records ERROR with the reason and rethrows.
 * Answers the evaluation's status; a finished evaluation is left as it is.
 */
export async function runGateEvaluation(
  ctx: SystemContext,
  evaluationId: string,
  modelPathOf: ModelPathOf,
): Promise<GateEvaluationStatus> {
  const claimed = await ctx.db.gateEvaluation.updateMany({
    where: { id: evaluationId, status: { in: ["QUEUED", "RUNNING"] } },
    data: { status: "RUNNING", startedAt: ctx.clock() },
  });
  if (claimed.count === 0)
    return (await ctx.db.gateEvaluation.findUniqueOrThrow({ where: { id: evaluationId } })).status;
  const verdict = await loadEvaluation(ctx, evaluationId)
    .then((evaluation) => compute(ctx, evaluation, modelPathOf))
    .catch(async (error: unknown) => {
      await ctx.db.gateEvaluation.update({
        where: { id: evaluationId },
        data: { status: "ERROR", error: errorMessage(error).slice(0, 2000), finishedAt: ctx.clock() },
      });
      throw error;
    });
  const status = verdict.passed ? "PASSED" : "FAILED";
  await ctx.db.gateEvaluation.update({
    where: { id: evaluationId },
    data: { status, metrics: verdict.metrics, warnings: verdict.warnings, finishedAt: ctx.clock() },
  });
  return status;
}
