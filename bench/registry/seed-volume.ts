import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { refreshPreviews } from "@/server/services/experiments/metric-previews";
import { seedBenchOwner } from "@/bench/lib/bench-owner";

export const VOLUME = {
  models: 100_000,
  versionsPerModel: 10,
  compareRuns: 200,
  metricsPerRun: 5,
  steps: 1_000,
  /** One model retrained nightly for decades: its page must not read every version or every alias move. */
  longModelVersions: 10_000,
};

export const LONG_MODEL_NAME = "bench-long-model";

/**
 * Bulk-loads the benchmark volume with set-based SQL (loading it through the API would take far longer than the
 * queries it measures): 100,000 models, 1,000,000 versions with aliases and alias history, and 200 runs × 5 metrics ×
 * 1,000 steps = 1,000,000 metric points, with their previews.
 */
export async function seedVolume(database: Db) {
  const { models, versionsPerModel, compareRuns, metricsPerRun, steps, longModelVersions } = VOLUME;
  await database.$transaction(
    async (tx) => {
      await seedBenchOwner(tx);
      await tx.$executeRawUnsafe(`
        INSERT INTO "Run"(id, "experimentId", name, status, "startTime", "endTime", "userId", tags)
        SELECT 'bench_run_' || r, 'bench_exp', 'run-' || r, 'FINISHED', now() - r * interval '1 hour', now() - r * interval '1 hour' + interval '20 minutes', 'bench_user', '{}'
        FROM generate_series(1, ${compareRuns}) r`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "RunParam"("runId", key, value)
        SELECT 'bench_run_' || r, p, ((r * 7 + length(p)) % 13)::text
        FROM generate_series(1, ${compareRuns}) r, unnest(array['max_depth', 'learning_rate', 'n_estimators']) p`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "MetricSeries"("runId", key, "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
        SELECT 'bench_run_' || r, 'metric_' || m, 0.9, ${steps - 1}, 0.1, 0.9, ${steps}, now()
        FROM generate_series(1, ${compareRuns}) r, generate_series(1, ${metricsPerRun}) m`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "MetricPoint"("seriesId", step, value, timestamp)
        SELECT s.id, st, 0.1 + 0.8 * (1 - exp(-st / 150.0)) + (random() - 0.5) * 0.02, (extract(epoch FROM now()) * 1000)::bigint + st
        FROM "MetricSeries" s, generate_series(0, ${steps - 1}) st
        WHERE s."runId" LIKE 'bench_run_%'`);
      // The same preview logBatch stores in the transaction that writes the points.
      const series = await tx.$queryRawUnsafe<{ id: number }[]>(
        `SELECT "id" FROM "MetricSeries" WHERE "runId" LIKE 'bench_run_%'`,
      );
      await refreshPreviews(
        tx,
        series.map((s) => s.id),
      );
      await tx.$executeRawUnsafe(`
        INSERT INTO "RegisteredModel"(id, name, "teamId", "taskType", tags, description, "latestVersion", "createdById", "createdAt", "updatedAt")
        SELECT 'bm_' || g, 'bench-model-' || lpad(g::text, 6, '0'), 'bench_team',
               (array['CLASSIFICATION','REGRESSION','RANKING','LLM','OTHER'])[1 + g % 5]::"TaskType",
               array['tag-' || (g % 50), 'group-' || (g % 7)], 'Benchmark model number ' || g || ' for ' || (array['fraud','eta','recsys','search','chat'])[1 + g % 5],
               ${versionsPerModel}, 'bench_user', now() - g * interval '1 minute', now() - g * interval '30 seconds'
        FROM generate_series(1, ${models}) g`);
      await tx.$executeRawUnsafe(`
        INSERT INTO "ModelVersion"(id, "modelId", version, "sourceRunId", format, signature, "metricsSnapshot", "createdById", "createdAt")
        SELECT 'bv_' || g || '_' || v, 'bm_' || g, v, 'bench_run_' || (1 + (g * 10 + v) % ${compareRuns}), 'ONNX',
               '{"inputs":[{"name":"amount","type":"float32"}],"outputs":[{"name":"score","type":"float32"}]}',
               json_build_object('val_auc', 0.8 + v / 100.0, 'val_loss', 0.3 - v / 100.0), 'bench_user', now() - (g * 10 + ${versionsPerModel} - v) * interval '1 minute'
        FROM generate_series(1, ${models}) g, generate_series(1, ${versionsPerModel}) v`);
      for (const [alias, version] of [
        ["production", versionsPerModel - 1],
        ["staging", versionsPerModel],
      ] as const) {
        await tx.$executeRawUnsafe(`
          INSERT INTO "ModelAlias"("modelId", alias, "versionId", "updatedById", "updatedAt")
          SELECT 'bm_' || g, '${alias}', 'bv_' || g || '_' || ${version}, 'bench_user', now() FROM generate_series(1, ${models}) g`);
        await tx.$executeRawUnsafe(`
          INSERT INTO "AliasEvent"("modelId", alias, "fromVersionId", "toVersionId", "actorId", reason, "createdAt")
          SELECT 'bm_' || g, '${alias}', 'bv_' || g || '_' || ${version - 2}, 'bv_' || g || '_' || ${version}, 'bench_user', 'bench', now() - interval '1 day'
          FROM generate_series(1, ${models}) g`);
      }
      await seedLongModel(tx, longModelVersions, compareRuns);
    },
    { timeout: 600_000 },
  );
  // Vacuumed as well as analysed, so autovacuum does not start on the fresh million rows during the timings.
  await database.$executeRawUnsafe(`VACUUM ANALYZE`);
}

/** LONG_MODEL_NAME: `versions` versions, and an alias move onto each of them (staging and production in turn). */
async function seedLongModel(tx: Prisma.TransactionClient, versions: number, compareRuns: number) {
  await tx.$executeRawUnsafe(`
    INSERT INTO "RegisteredModel"(id, name, "teamId", "taskType", tags, "latestVersion", "createdById", "updatedAt")
    VALUES ('bm_long', '${LONG_MODEL_NAME}', 'bench_team', 'CLASSIFICATION', '{}', ${versions}, 'bench_user', now())`);
  await tx.$executeRawUnsafe(`
    INSERT INTO "ModelVersion"(id, "modelId", version, "sourceRunId", format, "metricsSnapshot", "createdById", "createdAt")
    SELECT 'bv_long_' || v, 'bm_long', v, 'bench_run_' || (1 + v % ${compareRuns}), 'ONNX',
           json_build_object('val_auc', 0.8 + v / 1e6), 'bench_user', now() - (${versions} - v) * interval '1 hour'
    FROM generate_series(1, ${versions}) v`);
  await tx.$executeRawUnsafe(`
    INSERT INTO "AliasEvent"("modelId", alias, "fromVersionId", "toVersionId", "actorId", reason, "createdAt")
    SELECT 'bm_long', (array['staging', 'production'])[1 + v % 2], CASE WHEN v > 2 THEN 'bv_long_' || (v - 2) END,
           'bv_long_' || v, 'bench_user', 'nightly', now() - (${versions} - v) * interval '1 hour'
    FROM generate_series(1, ${versions}) v`);
}
