import { binIndex, type FeatureBins } from "@/contracts/feature-bins";
import type { LabelStratum } from "@/contracts/label-strata";
import type { SamplingSettings } from "@/contracts/labels";
import { predictedOutcome, type OutcomeSpec } from "@/contracts/outcomes";
import type { Prisma } from "@/server/db/generated/client";
import type { TaskType } from "@/server/db/generated/enums";
import { flagByGuardrails } from "@/server/services/labels/guardrails";

/** A captured prediction the sampler considers (the columns it reads). */
export type Candidate = {
  id: string;
  predictedAt: Date;
  endpointId: string;
  variantName: string;
  versionId: string | null;
  correlationId: string | null;
  inputs: Prisma.JsonValue;
  outputs: Prisma.JsonValue;
  score: number | null;
  captureProbability: number;
};

const variantKey = (endpointId: string, variantName: string) => JSON.stringify([endpointId, variantName]);

/** UNCERTAINTY: a binary classifier's score within the band around its decision threshold. */
export function isUncertain(spec: OutcomeSpec, score: number | null, band: number): boolean {
  if (spec.kind !== "classification" || spec.classes.length !== 2 || score === null) return false;
  return Math.abs(score - spec.decisionThreshold) <= band;
}

/**
 * The bins of one feature that production over-fills the most compared with the reference: bins where the
 * production share q exceeds the reference share p, ordered by their PSI term (q − p)·ln(q / p), the worst `count`.
 */
export function worstBins(counts: readonly number[], proportions: readonly number[], count: number): Set<number> {
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (total <= 0) return new Set();
  const terms = counts.flatMap((c, bin) => {
    const q = c / total;
    const p = Math.max(proportions[bin] ?? 0, 1e-6);
    return q > p ? [{ bin, term: (q - p) * Math.log(q / p) }] : [];
  });
  terms.sort((a, b) => b.term - a.term);
  return new Set(terms.slice(0, count).map((t) => t.bin));
}

type DriftBins = { feature: FeatureBins & { name: string }; bins: Set<number> }[];

/** The worst-drifting bins of each variant's latest drift report (features at or above driftMinPsi). */
async function driftBinsByVariant(
  db: Prisma.TransactionClient,
  candidates: readonly Candidate[],
  settings: SamplingSettings,
) {
  const result = new Map<string, DriftBins>();
  const variants = new Map(candidates.map((c) => [variantKey(c.endpointId, c.variantName), c]));
  for (const [key, { endpointId, variantName }] of variants) {
    const report = await db.driftReport.findFirst({
      where: { endpointId, variantName },
      orderBy: { windowEnd: "desc" },
      select: { versionId: true, features: { where: { psi: { gte: settings.driftMinPsi } } } },
    });
    if (!report || report.features.length === 0) continue;
    const reference = await db.referenceFeature.findMany({
      where: { profile: { versionId: report.versionId }, name: { in: report.features.map((f) => f.name) } },
    });
    result.set(
      key,
      reference.flatMap((ref) => {
        const drift = report.features.find((f) => f.name === ref.name)!;
        const bins = worstBins(drift.counts, ref.proportions, settings.driftWorstBins);
        return bins.size ? [{ feature: ref, bins }] : [];
      }),
    );
  }
  return result;
}

function inWorstBin(inputs: Prisma.JsonValue, drift: DriftBins | undefined): boolean {
  if (!drift || typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) return false;
  return drift.some(({ feature, bins }) => {
    const raw = inputs[feature.name];
    const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
    if (typeof value !== "number" && typeof value !== "string" && typeof value !== "boolean") return false;
    return bins.has(binIndex(feature, value));
  });
}

/** Candidates whose correlationId another variant of the model answered with a different class within the window. */
async function disagreeing(
  db: Prisma.TransactionClient,
  candidates: readonly Candidate[],
  endpointIds: readonly string[],
  spec: OutcomeSpec,
  windowSeconds: number,
): Promise<Set<string>> {
  const correlated = candidates.filter((c) => c.correlationId !== null);
  if (spec.kind !== "classification" || correlated.length === 0) return new Set();
  const times = correlated.map((c) => c.predictedAt.getTime());
  const windowMs = windowSeconds * 1000;
  const partners = await db.capturedPrediction.findMany({
    where: {
      endpointId: { in: [...endpointIds] },
      correlationId: { in: [...new Set(correlated.map((c) => c.correlationId!))] },
      mirrorOf: null,
      predictedAt: { gte: new Date(Math.min(...times) - windowMs), lte: new Date(Math.max(...times) + windowMs) },
    },
    select: { id: true, endpointId: true, variantName: true, correlationId: true, predictedAt: true, score: true },
  });
  const byCorrelation = new Map<string, typeof partners>();
  for (const p of partners) byCorrelation.set(p.correlationId!, [...(byCorrelation.get(p.correlationId!) ?? []), p]);
  const labelOf = (score: number | null) => predictedOutcome(spec, score).label;
  return new Set(
    correlated
      .filter((c) =>
        (byCorrelation.get(c.correlationId!) ?? []).some(
          (p) =>
            variantKey(p.endpointId ?? "", p.variantName) !== variantKey(c.endpointId, c.variantName) &&
            Math.abs(p.predictedAt.getTime() - c.predictedAt.getTime()) <= windowMs &&
            labelOf(p.score) !== null &&
            labelOf(c.score) !== null &&
            labelOf(p.score) !== labelOf(c.score),
        ),
      )
      .map((c) => c.id),
  );
}

async function flagged(db: Prisma.TransactionClient, candidates: readonly Candidate[]): Promise<Set<string>> {
  const flags = await db.predictionFlag.findMany({
    where: { predictionId: { in: candidates.map((c) => c.id) } },
    select: { predictionId: true, endpointId: true },
  });
  const keys = new Set(flags.map((f) => JSON.stringify([f.endpointId, f.predictionId])));
  return new Set(candidates.filter((c) => keys.has(JSON.stringify([c.endpointId, c.id]))).map((c) => c.id));
}

/** Every stratum that applies to each candidate (AUDIT applies to all); guardrails flag predictions on the way. */
export async function strataOf(
  db: Prisma.TransactionClient,
  candidates: readonly Candidate[],
  options: { endpointIds: readonly string[]; spec: OutcomeSpec; taskType: TaskType; settings: SamplingSettings },
): Promise<Map<string, LabelStratum[]>> {
  const { spec, settings } = options;
  const guarded = await flagByGuardrails(db, candidates, options.taskType);
  const [drift, disagree, flags] = await Promise.all([
    driftBinsByVariant(db, candidates, settings),
    disagreeing(db, candidates, options.endpointIds, spec, settings.disagreementWindowSeconds),
    flagged(db, candidates),
  ]);
  return new Map(
    candidates.map((c) => {
      const strata: LabelStratum[] = ["AUDIT"];
      if (isUncertain(spec, c.score, settings.uncertaintyBand)) strata.push("UNCERTAINTY");
      if (disagree.has(c.id)) strata.push("DISAGREEMENT");
      if (inWorstBin(c.inputs, drift.get(variantKey(c.endpointId, c.variantName)))) strata.push("DRIFT");
      if (flags.has(c.id) || guarded.has(c.id)) strata.push("FLAGGED");
      return [c.id, strata];
    }),
  );
}
