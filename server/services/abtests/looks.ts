import type { z } from "zod";
import { abMetricRolesSchema, preRegistrationSchema, type AbMetricKey } from "@/contracts/abtests";
import { Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import {
  abTestLooksInput,
  MAX_LOOK_POINTS,
  type abTestLookPoint,
  type abTestLooksOutput,
} from "@/server/services/abtests/schemas";
import type { ReadContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";

type LookRow = {
  metric: string;
  variantName: string;
  at: Date;
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  pValue: number | null;
  controlUnits: number;
  treatmentUnits: number;
};

const COLUMNS = Prisma.sql`l."id", l."metric", l."variantName", l."at", l."estimate", l."lower", l."upper", l."pValue",
  l."controlUnits", l."treatmentUnits"`;

/**
 * Each series' looks, oldest first. A series with at most MAX_LOOK_POINTS looks comes whole; a longer one is thinned to
 * the first look at or after each of MAX_LOOK_POINTS − 1 evenly spaced times from its first look to its last, plus the
 * last. Every read is an index probe on (testId, metric, variantName, at) — ordered by `at` alone so that the index
 * gives the order (and LIMIT stops the scan) — so a long test costs no more than a short one.
 */
function looksQuery(testId: string, series: ReadonlyArray<{ metric: string; variantName: string }>) {
  const keys = Prisma.join(series.map((s) => Prisma.sql`(${s.metric}, ${s.variantName})`));
  const same = Prisma.sql`l."testId" = ${testId} AND l."metric" = s."metric" AND l."variantName" = s."variantName"`;
  return Prisma.sql`
    WITH s ("metric", "variantName") AS (VALUES ${keys}),
    sized AS (
      SELECT s."metric", s."variantName",
        (SELECT count(*)::int FROM (SELECT 1 FROM "AbTestLook" l WHERE ${same} LIMIT ${MAX_LOOK_POINTS + 1}) c) AS n,
        (SELECT l."at" FROM "AbTestLook" l WHERE ${same} ORDER BY l."at" LIMIT 1) AS "first",
        (SELECT l."at" FROM "AbTestLook" l WHERE ${same} ORDER BY l."at" DESC LIMIT 1) AS "last"
      FROM s
    ),
    whole AS (
      SELECT p.* FROM sized s CROSS JOIN LATERAL (
        SELECT ${COLUMNS} FROM "AbTestLook" l WHERE ${same} ORDER BY l."at" LIMIT ${MAX_LOOK_POINTS}
      ) p
      WHERE s.n <= ${MAX_LOOK_POINTS}
    ),
    grid AS (
      SELECT s."metric", s."variantName", s."first" + (s."last" - s."first") * (g.i::float8 / ${MAX_LOOK_POINTS - 1}) AS t
      FROM sized s CROSS JOIN generate_series(0, ${MAX_LOOK_POINTS - 2}) AS g(i)
      WHERE s.n > ${MAX_LOOK_POINTS}
    ),
    thinned AS (
      SELECT p.* FROM grid s CROSS JOIN LATERAL (
        SELECT ${COLUMNS} FROM "AbTestLook" l WHERE ${same} AND l."at" >= s.t ORDER BY l."at" LIMIT 1
      ) p
      UNION
      SELECT p.* FROM sized s CROSS JOIN LATERAL (
        SELECT ${COLUMNS} FROM "AbTestLook" l WHERE ${same} ORDER BY l."at" DESC LIMIT 1
      ) p
      WHERE s.n > ${MAX_LOOK_POINTS}
    )
    SELECT "metric", "variantName", "at", "estimate", "lower", "upper", "pValue", "controlUnits", "treatmentUnits"
    FROM (SELECT * FROM whole UNION ALL SELECT * FROM thinned) looks
    ORDER BY "metric", "variantName", "at", "id"`;
}

/**
 * The test's looks as chart series, one per (metric, challenger) that has looks — in the test's metric order (the
 * primary first) and its challengers' order — each oldest first and at most MAX_LOOK_POINTS long.
 */
export async function abTestLooks(
  ctx: ReadContext,
  input: z.input<typeof abTestLooksInput>,
): Promise<z.infer<typeof abTestLooksOutput>> {
  const { testId, metric } = parseInput(abTestLooksInput, input);
  const test = await ctx.db.abTest.findUnique({
    where: { id: testId },
    select: {
      preRegistration: true,
      metrics: true,
      arms: { where: { role: "CHALLENGER" }, select: { variantName: true }, orderBy: { variantName: "asc" } },
    },
  });
  if (!test) throw notFound("A/B test");
  const primary = preRegistrationSchema.parse(test.preRegistration).primaryMetric;
  const metrics: AbMetricKey[] = [primary, ...abMetricRolesSchema.parse(test.metrics).map((m) => m.key)].filter(
    (key, i, all) => all.indexOf(key) === i && (metric === undefined || key === metric),
  );
  const series = metrics.flatMap((key) => test.arms.map((arm) => ({ metric: key, variantName: arm.variantName })));
  if (series.length === 0) return { series: [] };
  const rows = await ctx.db.$queryRaw<LookRow[]>(looksQuery(testId, series));
  const points = new Map<string, z.infer<typeof abTestLookPoint>[]>();
  for (const { metric: key, variantName, ...point } of rows) {
    const seriesKey = `${key}\u0000${variantName}`;
    points.set(seriesKey, [...(points.get(seriesKey) ?? []), point]);
  }
  return {
    series: series.flatMap(({ metric: key, variantName }) => {
      const found = points.get(`${key}\u0000${variantName}`);
      return found ? [{ metric: key, variantName, points: found }] : [];
    }),
  };
}
