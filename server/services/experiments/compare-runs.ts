import type { ReadContext } from "@/server/services/context";
import { downsampledSeries } from "@/server/services/experiments/downsample-series";
import { parseInput } from "@/server/services/experiments/parse-input";
import { pointsPerSeries } from "@/server/services/experiments/point-budget";
import { runIdsNamedBy } from "@/server/services/experiments/run-selections";
import { runsNotFound } from "@/server/services/experiments/runs-not-found";
import {
  compareRunsInput,
  DEFAULT_COMPARE_METRICS,
  type ComparedRun,
  type CompareRunsInput,
  type RunComparison,
} from "@/server/services/experiments/schemas";

async function loadRuns(ctx: ReadContext, runIds: string[]): Promise<ComparedRun[]> {
  const rows = await ctx.db.run.findMany({
    where: { id: { in: runIds } },
    select: {
      id: true,
      name: true,
      status: true,
      experimentId: true,
      experiment: { select: { name: true } },
      params: { select: { key: true, value: true } },
      metrics: { select: { key: true, lastValue: true } },
    },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = runIds.filter((id) => !byId.has(id));
  if (missing.length > 0) throw runsNotFound(missing);
  return runIds.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [
      {
        id: row.id,
        name: row.name,
        experimentId: row.experimentId,
        experimentName: row.experiment.name,
        status: row.status,
        params: Object.fromEntries(row.params.map((p) => [p.key, p.value])),
        metrics: Object.fromEntries(row.metrics.map((m) => [m.key, m.lastValue])),
      },
    ];
  });
}

/** Metric keys ordered by how many of the runs have them, then by name. */
function keysBySharedCount(runs: ComparedRun[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) for (const key of Object.keys(run.metrics)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([key]) => key);
}

/** Curves (downsampled on the server), params and latest metrics of up to 1,000 runs, side by side. */
export async function compareRuns(ctx: ReadContext, rawInput: CompareRunsInput): Promise<RunComparison> {
  const input = parseInput(compareRunsInput, rawInput);
  const runIds = await runIdsNamedBy(ctx, input);
  const runs = await loadRuns(ctx, runIds);
  const availableMetricKeys = keysBySharedCount(runs);
  const metricKeys = input.metricKeys
    ? [...new Set(input.metricKeys)]
    : availableMetricKeys.slice(0, DEFAULT_COMPARE_METRICS);
  const limit = pointsPerSeries(runIds.length, input.maxPoints);
  const curves = input.curves ? await downsampledSeries(ctx, runIds, metricKeys, limit) : [];

  const runOrder = new Map(runIds.map((id, index) => [id, index]));
  const keyOrder = new Map(metricKeys.map((key, index) => [key, index]));
  const series = curves.sort(
    (a, b) =>
      (runOrder.get(a.runId) ?? 0) - (runOrder.get(b.runId) ?? 0) ||
      (keyOrder.get(a.key) ?? 0) - (keyOrder.get(b.key) ?? 0),
  );

  return {
    runs,
    metricKeys,
    availableMetricKeys,
    paramKeys: [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort(),
    pointsPerSeries: limit,
    series,
  };
}
