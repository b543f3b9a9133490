import type { AbScoreShift, AbShadow } from "@/contracts/abtest-analysis";
import { Prisma } from "@/server/db/generated/client";
import type { Db } from "@/server/db/client";
import { expectedPsiUnderNoDrift, populationStabilityIndex } from "@/server/services/drift/psi";
import { rawRanges, wholeHours } from "@/server/services/abtests/analysis/slices/hours";
import {
  lockMark,
  predictedWithin,
  readSlices,
  refreshSlices,
  SLICE_TRANSACTION,
  type SliceCounter,
} from "@/server/services/abtests/analysis/slices/slice-store";
import {
  addCaptureSums,
  NO_CAPTURES,
  totalsByVariant,
  type CaptureSums,
} from "@/server/services/abtests/analysis/slices/sums";

type Tx = Prisma.TransactionClient;
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

/** The look's time; with `recount`, every hour is counted again, not only what changed. */
type SliceScope = { testId: string; now: Date; recount?: boolean };
type CaptureRead = CaptureScope & SliceScope & { variants: readonly string[]; withShift: boolean };

/** Per arm: weighted live predictions, scored live rows per bin of `edges` (none without edges), mirrored rows. */
function sumColumns(edges: readonly number[]): Prisma.Sql {
  const bins =
    edges.length > 0
      ? Prisma.sql`ARRAY[${Prisma.join(
          Array.from({ length: edges.length + 1 }, (_, bin) => Prisma.sql`count(*) FILTER (WHERE bucket = ${bin})`),
        )}]::int[]`
      : Prisma.sql`'{}'::int[]`;
  return Prisma.sql`
    coalesce(sum(1.0 / "captureProbability") FILTER (WHERE "mirrorOf" IS NULL), 0)::float8 AS weighted,
    ${bins} AS bins,
    count(*) FILTER (WHERE "mirrorOf" IS NOT NULL)::int AS mirrors`;
}

/** The window's captured rows of the test's arms, each with its score's bin (live scored rows only). */
function capturedRows(scope: CaptureRead, edges: readonly number[], within: Prisma.Sql): Prisma.Sql {
  const bucket =
    edges.length > 0
      ? Prisma.sql`CASE WHEN "mirrorOf" IS NULL AND "score" IS NOT NULL THEN width_bucket("score", ${edges}::float8[]) END`
      : Prisma.sql`NULL::int`;
  return Prisma.sql`(SELECT "predictedAt", "variantName", "captureProbability", "mirrorOf", ${bucket} AS bucket
    FROM "CapturedPrediction"
    WHERE "endpointId" = ${scope.endpointId} AND "variantName" IN (${Prisma.join(scope.variants)}) AND ${within}) AS c`;
}

function captureCounter(scope: CaptureRead, edges: readonly number[]): SliceCounter {
  return {
    kind: "CAPTURE",
    count: (tx, testId, within) =>
      tx.$executeRaw`
      INSERT INTO "AbTestSlice" ("testId", "kind", "hour", "variantName", "units", "sums", "squares", "weighted", "bins",
        "mirrors")
      SELECT ${testId}, 'CAPTURE', date_trunc('hour', "predictedAt"), "variantName", '{}', '{}', '{}', ${sumColumns(edges)}
      FROM ${capturedRows(scope, edges, within)}
      GROUP BY 3, 4`.then(() => undefined),
    changedHours: async (tx, since, span) => {
      const rows = await tx.$queryRaw<Array<{ hour: Date }>>`
        SELECT DISTINCT date_trunc('hour', "predictedAt") AS hour FROM "CapturedPrediction"
        WHERE "endpointId" = ${scope.endpointId} AND "loadedAt" >= ${since}
          AND "predictedAt" >= ${span.firstHour} AND "predictedAt" < ${span.throughHour}`;
      return rows.map((row) => row.hour);
    },
  };
}

/** Bin edges at the deciles of (up to EDGE_SAMPLE of) the champion's live scores in the window; none without scores. */
async function readEdges(tx: Tx, scope: CaptureRead): Promise<{ edges: number[]; sample: number }> {
  const fractions = Array.from({ length: SHIFT_BINS - 1 }, (_, i) => (i + 1) / SHIFT_BINS);
  const [row] = await tx.$queryRaw<Array<{ edges: number[] | null; sample: number }>>`
    SELECT percentile_disc(${fractions}::float8[]) WITHIN GROUP (ORDER BY "score") AS edges, count(*)::int AS sample
    FROM (SELECT "score" FROM "CapturedPrediction"
          WHERE "endpointId" = ${scope.endpointId} AND "predictedAt" >= ${scope.start} AND "predictedAt" <= ${scope.end}
            AND "mirrorOf" IS NULL AND "variantName" = ${scope.champion} AND "score" IS NOT NULL
          LIMIT ${EDGE_SAMPLE}) AS sample`;
  return { edges: row?.edges ?? [], sample: row?.sample ?? 0 };
}

/**
 * Each arm's captured sums over [start, end] in one transaction: whole hours from the test's slices (counted again
 * where rows were loaded since), the ragged ends from the prediction log. The score bins' edges are frozen on the
 * slice mark once EDGE_SAMPLE champion scores gave them; until then each look takes them afresh and counts again.
 */
async function sumsByVariant(tx: Tx, scope: CaptureRead) {
  const span = wholeHours(scope.start, scope.end);
  const mark = span ? await lockMark(tx, scope.testId, "CAPTURE", span) : null;
  const frozen = mark !== null && scope.withShift && mark.edgeSample >= EDGE_SAMPLE;
  const { edges, sample } = !scope.withShift
    ? { edges: [], sample: 0 }
    : frozen
      ? { edges: mark.edges, sample: mark.edgeSample }
      : await readEdges(tx, scope);
  const rows: Array<{ variantName: string } & CaptureSums> = [];
  if (span && mark) {
    const restart = scope.recount === true || mark.edges.join() !== edges.join();
    await refreshSlices(tx, scope.testId, captureCounter(scope, edges), span, mark, {
      restart,
      now: scope.now,
      fields: { metrics: [], edges, edgeSample: sample },
    });
    rows.push(...(await readSlices(tx, scope.testId, "CAPTURE", span)));
  }
  const within = predictedWithin(rawRanges(scope.start, scope.end, span));
  rows.push(
    ...(await tx.$queryRaw<Array<{ variantName: string } & CaptureSums>>`
      SELECT "variantName", ${sumColumns(edges)}
      FROM ${capturedRows(scope, edges, within)}
      GROUP BY 1`),
  );
  return totalsByVariant(rows, addCaptureSums, NO_CAPTURES);
}

function scoreShift(totals: Map<string, CaptureSums>, scope: CaptureRead): AbScoreShift[] {
  const binsOf = (variant: string) => {
    const bins = totals.get(variant)?.bins ?? [];
    return Array.from({ length: SHIFT_BINS }, (_, i) => bins[i] ?? 0);
  };
  const control = binsOf(scope.champion);
  const controlRows = control.reduce((a, b) => a + b, 0);
  return scope.variants
    .filter((v) => v !== scope.champion)
    .map((variantName) => {
      const treatment = binsOf(variantName);
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
}

/**
 * The window's captured predictions per arm, summed in PostgreSQL: the live predictions (shadow mirrors counted apart)
 * (weighted by 1/captureProbability, so with a capture rate below 1 they estimate all predictions, at rate 1 they are
 * counts) and, when the test measures the score shift, the scores counted in bins at the champion's score deciles. The
 * shift of each challenger is the PSI of its bins against the champion's, shown with the PSI two same-distribution
 * samples of these sizes show on average, (B − 1)·(1/n + 1/m), as the drift domain shows it. Descriptive: no test.
 */
export async function readCapturedTraffic(
  ctx: { db: Db },
  scope: CaptureScope & SliceScope,
  variants: readonly string[],
  withShift: boolean,
): Promise<CapturedTraffic> {
  const read: CaptureRead = { ...scope, variants, withShift };
  const totals = await ctx.db.$transaction((tx) => sumsByVariant(tx, read), SLICE_TRANSACTION);
  const predictions = new Map([...totals].map(([variantName, sums]) => [variantName, sums.weighted]));
  const mirrored = new Set([...totals].flatMap(([variantName, sums]) => (sums.mirrors > 0 ? [variantName] : [])));
  return { predictions, mirrored, scoreShift: withShift ? scoreShift(totals, read) : [] };
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
