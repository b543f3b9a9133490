import type { AbScoreShift, AbShadow } from "@/contracts/abtest-analysis";
import { Prisma } from "@/server/db/generated/client";
import { expectedPsiUnderNoDrift, populationStabilityIndex } from "@/server/services/drift/psi";

type SqlReader = { db: Pick<Prisma.TransactionClient, "$queryRaw"> };

/** Deciles of the champion's scores: the bins both arms' scores are counted in. */
const SHIFT_BINS = 10;
/** The champion's scores the bin edges are read from (any fixed bins compare the arms alike; more only refine them). */
const EDGE_SAMPLE = 50_000;

export type CaptureScope = { endpointId: string; champion: string; start: Date; end: Date };

export type CapturedTraffic = {
  /** Live predictions per arm in the window, each captured row weighted by 1/captureProbability (Horvitz–Thompson). */
  predictions: Map<string, number>;
  /** Arms with shadow mirrors in the window (their disagreement is worth pairing). */
  mirrored: Set<string>;
  scoreShift: AbScoreShift[];
};

/**
 * One pass over the window's captured predictions, in PostgreSQL: per arm the live predictions (shadow mirrors counted
 * apart)
 * (weighted by 1/captureProbability, so with a capture rate below 1 they estimate all predictions, at rate 1 they are
 * counts) and, when the test measures the score shift, the scores counted in bins at the champion's score deciles. The
 * shift of each challenger is the PSI of its bins against the champion's, shown with the PSI two same-distribution
 * samples of these sizes show on average, (B − 1)·(1/n + 1/m), as the drift domain shows it. Descriptive: no test.
 */
export async function readCapturedTraffic(
  ctx: SqlReader,
  scope: CaptureScope,
  variants: readonly string[],
  withShift: boolean,
): Promise<CapturedTraffic> {
  const fractions = Array.from({ length: SHIFT_BINS - 1 }, (_, i) => (i + 1) / SHIFT_BINS);
  const span = Prisma.sql`"endpointId" = ${scope.endpointId}
    AND "predictedAt" >= ${scope.start} AND "predictedAt" <= ${scope.end}`;
  const bin = withShift ? Prisma.sql`width_bucket("score", (SELECT e FROM edges))` : Prisma.sql`NULL::int`;
  const rows = await ctx.db.$queryRaw<
    Array<{ variantName: string; bin: number | null; rows: number; predictions: number; mirrors: number }>
  >(Prisma.sql`
    WITH edges AS (
      SELECT percentile_disc(${fractions}::float8[]) WITHIN GROUP (ORDER BY "score") AS e
      FROM (SELECT "score" FROM "CapturedPrediction"
            WHERE ${span} AND "mirrorOf" IS NULL AND "variantName" = ${scope.champion} AND "score" IS NOT NULL
              AND ${withShift}
            LIMIT ${EDGE_SAMPLE}) AS sample
    )
    SELECT "variantName", ${bin} AS bin,
      count("score") FILTER (WHERE "mirrorOf" IS NULL)::int AS rows,
      coalesce(sum(1.0 / "captureProbability") FILTER (WHERE "mirrorOf" IS NULL), 0)::float8 AS predictions,
      count(*) FILTER (WHERE "mirrorOf" IS NOT NULL)::int AS mirrors
    FROM "CapturedPrediction"
    WHERE ${span} AND "variantName" IN (${Prisma.join(variants)})
    GROUP BY 1, 2`);
  const predictions = new Map<string, number>();
  const mirrored = new Set<string>();
  for (const row of rows) {
    predictions.set(row.variantName, (predictions.get(row.variantName) ?? 0) + row.predictions);
    if (row.mirrors > 0) mirrored.add(row.variantName);
  }
  if (!withShift) return { predictions, mirrored, scoreShift: [] };
  const counts = (variant: string) => {
    const bins = new Array<number>(SHIFT_BINS).fill(0);
    for (const row of rows)
      if (row.variantName === variant && row.bin !== null) bins[row.bin] = (bins[row.bin] ?? 0) + row.rows;
    return bins;
  };
  const control = counts(scope.champion);
  const controlRows = control.reduce((a, b) => a + b, 0);
  const scoreShift = variants
    .filter((v) => v !== scope.champion)
    .map((variantName) => {
      const treatment = counts(variantName);
      const treatmentRows = treatment.reduce((a, b) => a + b, 0);
      const base = { variantName, bins: SHIFT_BINS, controlRows, treatmentRows };
      if (controlRows === 0 || treatmentRows === 0)
        return {
          ...base,
          psi: null,
          expectedUnderNoShift: null,
          note: controlRows === 0 ? "no champion scores captured in the window" : "no scores captured for this arm yet",
        };
      return {
        ...base,
        psi: populationStabilityIndex(
          control.map((c) => c / controlRows),
          treatment,
        ),
        expectedUnderNoShift: expectedPsiUnderNoDrift(SHIFT_BINS, treatmentRows, controlRows),
        note: null,
      };
    });
  return { predictions, mirrored, scoreShift };
}

/**
 * Each shadow's disagreement with the live answer, paired in PostgreSQL: a shadow row (mirrorOf = the live request's id)
 * with the live row of the same request and row index. Classifiers: the share of pairs whose predicted class differs at
 * the model's decision threshold (score ≥ threshold is the positive class); regressors: the mean absolute difference.
 */
export async function readShadowDisagreement(
  ctx: SqlReader,
  scope: CaptureScope & { shadows: readonly string[]; classifier: boolean; decisionThreshold: number },
): Promise<Array<Pick<AbShadow, "variantName" | "pairs" | "measure" | "disagreement" | "note">>> {
  if (scope.shadows.length === 0) return [];
  const rows = await ctx.db.$queryRaw<
    Array<{ variantName: string; pairs: number; classes: number; mad: number }>
  >(Prisma.sql`
    SELECT s."variantName", count(*)::int AS pairs,
      avg(((s."score" >= ${scope.decisionThreshold}) <> (l."score" >= ${scope.decisionThreshold}))::int)::float8 AS classes,
      avg(abs(s."score" - l."score"))::float8 AS mad
    FROM "CapturedPrediction" s
    JOIN "CapturedPrediction" l ON l."requestId" = s."mirrorOf" AND l."rowIndex" = s."rowIndex"
      AND l."mirrorOf" IS NULL AND l."endpointId" = ${scope.endpointId}
      AND l."predictedAt" >= ${new Date(scope.start.getTime() - 3_600_000)} AND l."predictedAt" <= ${scope.end}
    WHERE s."endpointId" = ${scope.endpointId} AND s."mirrorOf" IS NOT NULL
      AND s."variantName" IN (${Prisma.join(scope.shadows)})
      AND s."predictedAt" >= ${scope.start} AND s."predictedAt" <= ${scope.end}
      AND s."score" IS NOT NULL AND l."score" IS NOT NULL
    GROUP BY 1`);
  const measure = scope.classifier ? ("class_disagreement" as const) : ("mean_absolute_difference" as const);
  return scope.shadows.map((variantName) => {
    const row = rows.find((r) => r.variantName === variantName);
    if (!row || row.pairs === 0)
      return { variantName, pairs: 0, measure, disagreement: null, note: "no mirrored predictions paired yet" };
    return {
      variantName,
      pairs: row.pairs,
      measure,
      disagreement: scope.classifier ? row.classes : row.mad,
      note: null,
    };
  });
}
