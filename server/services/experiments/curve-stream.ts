import { createHash } from "node:crypto";
import {
  CURVE_STREAM_END,
  curvePointsPerSeries,
  curveStreamInput,
  encodeCurveFrame,
  encodeCurveHeader,
  type CurveStreamInput,
} from "@/contracts/curve-frames";
import { Prisma } from "@/server/db/generated/client";
import type { ReadContext } from "@/server/services/context";
import { curveCache } from "@/server/services/experiments/curve-cache";
import type { StepRange } from "@/server/services/experiments/curve-preview";
import { downsampledColumns } from "@/server/services/experiments/downsample-series";
import { parseInput } from "@/server/services/experiments/parse-input";
import { runIdsNamedBy } from "@/server/services/experiments/run-selections";
import { assertRunsExist } from "@/server/services/experiments/runs-not-found";

/** The first runs go out alone so their curves draw at once; the rest follow in larger groups. */
const FIRST_GROUP_RUNS = 10;
const GROUP_RUNS = 50;
const CACHE_BYTES = 64 * 1024 * 1024;

const cache = curveCache(CACHE_BYTES);

export type CurveStream = {
  /** Names the content: the same runs, metrics and width over unchanged series give the same digest. */
  digest: string;
  cached: boolean;
  pointsPerSeries: number;
  body: AsyncIterable<Uint8Array>;
};

/** The runs (a saved selection's, when the request named one) and what to draw of them. */
type CurveRequest = { runIds: string[]; metricKeys: string[]; width: number; steps?: StepRange };

/**
 * A digest of what the stream will hold: the request (runs, metrics, points per series, step range) and each series' row version (xmin changes with every write to
 * the row, which every batch of points makes, even one that replaces values within the same millisecond).
 */
async function contentDigest(ctx: ReadContext, input: CurveRequest, pointsPerSeries: number): Promise<string> {
  const versions = await ctx.db.$queryRaw<{ id: number; version: string }[]>(Prisma.sql`
    SELECT "id", "xmin"::text AS "version" FROM "MetricSeries"
    WHERE "runId" = ANY(${input.runIds}::text[]) AND "key" = ANY(${input.metricKeys}::text[])
    ORDER BY "id"`);
  const hash = createHash("sha256");
  hash.update(JSON.stringify([input.runIds, input.metricKeys, pointsPerSeries, input.steps ?? null]));
  for (const series of versions) hash.update(`|${series.id}:${series.version}`);
  return hash.digest("base64url");
}

function runGroups(runIds: string[]): string[][] {
  const groups = [runIds.slice(0, FIRST_GROUP_RUNS)];
  for (let start = FIRST_GROUP_RUNS; start < runIds.length; start += GROUP_RUNS) {
    groups.push(runIds.slice(start, start + GROUP_RUNS));
  }
  return groups.filter((group) => group.length > 0);
}

/** Encodes the curves group of runs by group, in the request's order, and keeps the whole stream once it is done. */
async function* encodedCurves(ctx: ReadContext, input: CurveRequest, pointsPerSeries: number, digest: string) {
  const runIndex = new Map(input.runIds.map((id, index) => [id, index]));
  const metricIndex = new Map(input.metricKeys.map((key, index) => [key, index]));
  const parts: Uint8Array[] = [
    encodeCurveHeader({
      runCount: input.runIds.length,
      metricCount: input.metricKeys.length,
      pointsPerSeries,
    }),
  ];
  yield parts[0] as Uint8Array;
  const groups = runGroups(input.runIds);
  const read = (group: string[]) => {
    const reading = downsampledColumns(ctx, group, input.metricKeys, pointsPerSeries, { steps: input.steps });
    // Awaited below; this only keeps a read the client no longer waits for (it went away) from crashing the process.
    reading.catch(() => undefined);
    return reading;
  };
  let next = groups[0] ? read(groups[0]) : null;
  for (let index = 0; next !== null; index++) {
    const curves = await next;
    // The next group is read while this one is encoded and sent: PostgreSQL and this process each have a core.
    const following = groups[index + 1];
    next = following ? read(following) : null;
    const frames = curves
      .filter((curve) => curve.steps.length > 0)
      .map((curve) => ({
        ...curve,
        runIndex: runIndex.get(curve.runId) ?? 0,
        metricIndex: metricIndex.get(curve.key) ?? 0,
      }))
      .sort((a, b) => a.runIndex - b.runIndex || a.metricIndex - b.metricIndex)
      .map(encodeCurveFrame);
    const chunk = Buffer.concat(frames);
    parts.push(chunk);
    yield chunk;
  }
  parts.push(CURVE_STREAM_END);
  yield CURVE_STREAM_END;
  cache.set(digest, Buffer.concat(parts));
}

async function* once(bytes: Uint8Array) {
  yield bytes;
}

/**
 * The metric curves of up to 1,000 runs sized to a chart `width` pixels wide (see curvePointsPerSeries), as the
 * binary stream of contracts/curve-frames.ts. Unknown runs are refused before anything is sent; a run without a
 * metric has no frame for it. The same content is served from this process's cache while no series changes.
 */
export async function curveStream(ctx: ReadContext, rawInput: CurveStreamInput): Promise<CurveStream> {
  const named = parseInput(curveStreamInput, rawInput);
  const input: CurveRequest = { ...named, runIds: await runIdsNamedBy(ctx, named) };
  // A saved selection's runs were checked when it was saved, and runs are never deleted.
  if (named.selection === undefined) await assertRunsExist(ctx, input.runIds);
  const pointsPerSeries = curvePointsPerSeries(input.width, input.runIds.length);
  const digest = await contentDigest(ctx, input, pointsPerSeries);
  const cached = cache.get(digest);
  if (cached) return { digest, cached: true, pointsPerSeries, body: once(cached) };
  return { digest, cached: false, pointsPerSeries, body: encodedCurves(ctx, input, pointsPerSeries, digest) };
}
