import type { BenchDatabase } from "@/bench/lib/bench-database";

/**
 * `runs` runs of experiment `experimentId` (which is created here, owned by bench_user) in the shape of a large
 * runs table: 3 metrics (val_loss missing from every tenth run), 3 params, a tag, 20 people (bench_person_1…20,
 * created here), every 50th run failed and every 97th still running. Run ids are `<experimentId>_<n>`.
 */
export async function seedTableRuns(
  database: BenchDatabase,
  { experimentId, runs }: { experimentId: string; runs: number },
) {
  await database.$executeRawUnsafe(
    `INSERT INTO "Experiment"(id, name, "createdById") VALUES ('${experimentId}', '${experimentId}', 'bench_user') ON CONFLICT (id) DO NOTHING`,
  );
  await database.$executeRawUnsafe(`
    INSERT INTO "User"(id, email, name, role, "teamId")
    SELECT 'bench_person_' || p, 'person' || p || '@example.test', 'Person ' || lpad(p::text, 2, '0'), 'DATA_SCIENTIST', 'bench_team'
    FROM generate_series(1, 20) p`);
  await database.$executeRawUnsafe(`
    INSERT INTO "Run"(id, "experimentId", name, status, "startTime", "endTime", "userId", tags)
    SELECT '${experimentId}_' || r, '${experimentId}', 'run-' || lpad(r::text, 6, '0'),
           (CASE WHEN r % 50 = 0 THEN 'FAILED' WHEN r % 97 = 0 THEN 'RUNNING' ELSE 'FINISHED' END)::"RunStatus",
           now() - r * interval '1 minute',
           CASE WHEN r % 97 = 0 THEN NULL ELSE now() - r * interval '1 minute' + (r % 60) * interval '1 minute' END,
           'bench_person_' || (1 + r % 20), json_build_object('team', 'team-' || (r % 7))
    FROM generate_series(1, ${runs}) r`);
  await database.$executeRawUnsafe(`
    INSERT INTO "MetricSeries"("runId", key, "lastValue", "lastStep", "minValue", "maxValue", "pointCount", "updatedAt")
    SELECT '${experimentId}_' || r, k, random(), 99, 0, 1, 100, now()
    FROM generate_series(1, ${runs}) r, unnest(array['val_auc', 'val_loss', 'train_loss']) k
    WHERE k <> 'val_loss' OR r % 10 <> 0`);
  await database.$executeRawUnsafe(`
    INSERT INTO "RunParam"("runId", key, value)
    SELECT '${experimentId}_' || r, p.key, p.value
    FROM generate_series(1, ${runs}) r,
    LATERAL (VALUES ('learning_rate', (0.001 * (1 + r % 100))::text),
                    ('optimizer', (array['adam', 'sgd', 'adamw'])[1 + r % 3]),
                    ('max_depth', (2 + r % 12)::text)) p(key, value)`);
}
