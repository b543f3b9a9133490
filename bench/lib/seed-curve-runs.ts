import { refreshPreviews } from "@/server/services/experiments/metric-previews";
import type { BenchDatabase } from "@/bench/lib/bench-database";

/** The id of curve run `n` (1-based), as seedCurveRuns names them. */
export const curveRunId = (n: number) => `bench_run_${String(n).padStart(5, "0")}`;

/**
 * `runs` finished runs of experiment bench_exp (see seedBenchOwner), each with metrics metric_1…metric_<metrics>
 * logged at steps 0…steps − 1 (noisy saturating curves), with previews stored as logBatch stores them.
 */
export async function seedCurveRuns(
  database: BenchDatabase,
  { runs, metrics, steps }: Record<"runs" | "metrics" | "steps", number>,
) {
  await database.$executeRawUnsafe(`
    INSERT INTO "Run"(id, "experimentId", name, status, "startTime", "userId", tags)
    SELECT 'bench_run_' || lpad(r::text, 5, '0'), 'bench_exp', 'run-' || r, 'FINISHED', now() - r * interval '1 minute', 'bench_user', '{}'
    FROM generate_series(1, ${runs}) r`);
  await database.$executeRawUnsafe(`
    INSERT INTO "MetricSeries"("runId", key, "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
    SELECT 'bench_run_' || lpad(r::text, 5, '0'), 'metric_' || m, 0.9, ${steps - 1}, 0.1, 0.9, ${steps}, now()
    FROM generate_series(1, ${runs}) r, generate_series(1, ${metrics}) m`);
  const seriesIds = (
    await database.$queryRawUnsafe<{ id: number }[]>(
      `SELECT s."id" FROM "MetricSeries" s JOIN "Run" r ON r."id" = s."runId" WHERE r."experimentId" = 'bench_exp' ORDER BY s."id"`,
    )
  ).map((s) => s.id);
  for (let i = 0; i < seriesIds.length; i += 1_000) {
    const ids = seriesIds.slice(i, i + 1_000);
    await database.$executeRawUnsafe(
      `INSERT INTO "MetricPoint"("seriesId", step, value, timestamp)
       SELECT s, st, 0.1 + 0.8 * (1 - exp(-st / (100.0 + s % 97))) + (random() - 0.5) * 0.02, st
       FROM unnest($1::int[]) s, generate_series(0, ${steps - 1}) st`,
      ids,
    );
    await database.$transaction((tx) => refreshPreviews(tx, ids), { timeout: 600_000 });
  }
}
