import { readdir } from "node:fs/promises";
import path from "node:path";
import { db } from "@/server/db/client";
import { Prisma } from "@/server/db/generated/client";
import type { ServiceContext } from "@/server/services/context";
import { unpackCurve } from "@/server/services/experiments/curve-preview";
import { createExperiment } from "@/server/services/experiments/experiments";
import { createRun } from "@/server/services/experiments/runs";

let counter = 0;
export const uniqueName = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter += 1)}`;

export async function givenExperiment(ctx: ServiceContext, name = uniqueName("exp")) {
  return createExperiment(ctx, { name, description: "test experiment" });
}

export async function givenRun(
  ctx: ServiceContext,
  experimentId: string,
  extra: { name?: string; tags?: Record<string, string> } = {},
) {
  return createRun(ctx, { experimentId, ...extra });
}

/** Row counts of every table these features write, to prove a failed call wrote nothing. */
export async function tableCounts() {
  const [row] = await db().$queryRaw<Record<string, number>[]>(Prisma.sql`
    SELECT (SELECT count(*)::int FROM "Experiment") AS experiments, (SELECT count(*)::int FROM "Run") AS runs,
           (SELECT count(*)::int FROM "RunParam") AS params, (SELECT count(*)::int FROM "MetricSeries") AS series,
           (SELECT count(*)::int FROM "MetricPoint") AS points, (SELECT count(*)::int FROM "Artifact") AS artifacts,
           (SELECT count(*)::int FROM "AuditLog") AS audits,
           (SELECT md5(coalesce(string_agg("id" || ':' || "status" || ':' || "tags"::text, ',' ORDER BY "id"), '')) FROM "Run") AS run_state`);
  return row;
}

/** Every file under the artifact root (blobs and temporary uploads). */
export async function artifactFiles(): Promise<string[]> {
  const root = process.env.ARTIFACT_ROOT ?? "";
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Inserts a series of `steps` points directly (fast seeding for large data sets). */
export async function seedSeries(runId: string, key: string, steps: number, valueSql = Prisma.sql`sin(g / 10.0)`) {
  await db().$executeRaw(Prisma.sql`
    WITH s AS (
      INSERT INTO "MetricSeries" ("runId", "key", "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
      VALUES (${runId}, ${key}, 0, 0, 0, 0, 0, now()) RETURNING "id"
    )
    INSERT INTO "MetricPoint" ("seriesId", "step", "value", "timestamp")
    SELECT s."id", g, ${valueSql}, 0 FROM s, generate_series(0, ${steps - 1}) g`);
  await db().$executeRaw(Prisma.sql`
    UPDATE "MetricSeries" ms SET "pointCount" = a.n, "minValue" = a.lo, "maxValue" = a.hi, "lastStep" = a.last_step,
      "lastValue" = (SELECT "value" FROM "MetricPoint" WHERE "seriesId" = ms."id" ORDER BY "step" DESC LIMIT 1)
    FROM (SELECT "seriesId", count(*)::int n, min("value") lo, max("value") hi, max("step") last_step FROM "MetricPoint" GROUP BY 1) a
    WHERE a."seriesId" = ms."id" AND ms."runId" = ${runId} AND ms."key" = ${key}`);
}

/** A series' stored points in step order and its stored preview, unpacked (null when it has none). */
export async function storedCurve(runId: string, key: string) {
  const series = await db().metricSeries.findUniqueOrThrow({
    where: { runId_key: { runId, key } },
    select: { id: true, preview: true },
  });
  const points = await db().metricPoint.findMany({
    where: { seriesId: series.id },
    orderBy: { step: "asc" },
    select: { step: true, value: true },
  });
  return { points, preview: series.preview ? unpackCurve(series.preview) : null };
}
