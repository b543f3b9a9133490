import { compareRuns } from "@/server/services/experiments/compare-runs";
import { PREVIEW_POINTS } from "@/server/services/experiments/curve-preview";
import { refreshPreviews } from "@/server/services/experiments/metric-previews";
import { CHART_POINT_BUDGET } from "@/server/services/experiments/point-budget";
import { aliasHistory } from "@/server/services/registry/alias-history";
import { getModel } from "@/server/services/registry/get-model";
import { listVersions } from "@/server/services/registry/list-versions";
import { versionSelect } from "@/server/services/registry/version-view";
import { listModels } from "@/server/services/registry/list-models";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine, loadAverage } from "@/bench/lib/machine";
import { formatTable, measure, type Timing } from "@/bench/lib/stats";
import { LONG_MODEL_NAME, seedVolume, VOLUME } from "@/bench/registry/seed-volume";

// bench/registry: the registry and compare queries at 100,000 models, 1,000,000 versions and 1,000,000 metric points.
// The search rows are measured again with the trigram indexes dropped (a sequential scan, as before them).
// Prints p50/p95 per query and rewrites its section of docs/benchmarks.md. Not part of `npm test`.
const { database } = await freshBenchDatabase("modelport_bench_registry");
const ctx = { db: database };

console.log("Loading benchmark volume…");
const loadStart = Date.now();
await seedVolume(database);
console.log(`Loaded in ${((Date.now() - loadStart) / 1000).toFixed(1)} s`);

const runIds = Array.from({ length: VOLUME.compareRuns }, (_, i) => `bench_run_${i + 1}`);
const metricKeys = Array.from({ length: VOLUME.metricsPerRun }, (_, i) => `metric_${i + 1}`);
let modelCursor = 0;
const nextModelName = () => `bench-model-${String(((modelCursor++ * 7919) % VOLUME.models) + 1).padStart(6, "0")}`;
const compareName = "compare 200 runs × 5 metrics × 1,000 steps";
const compareFromPointsName = `${compareName}, without previews (read from the points)`;

/** The compare query as it runs for series that have no preview (e.g. longer than PREVIEW_MAX_SERIES_POINTS). */
async function measureCompareFromPoints() {
  await database.$executeRawUnsafe(`UPDATE "MetricSeries" SET "preview" = NULL WHERE "runId" LIKE 'bench_run_%'`);
  const timing = await measure(
    compareFromPointsName,
    () => compareRuns(ctx, { runIds, metricKeys, maxPoints: 500 }),
    5,
    1,
  );
  await database.$transaction(async (tx) => {
    const series = await tx.$queryRawUnsafe<{ id: number }[]>(
      `SELECT "id" FROM "MetricSeries" WHERE "runId" LIKE 'bench_run_%'`,
    );
    await refreshPreviews(
      tx,
      series.map((s) => s.id),
    );
  });
  return timing;
}

const SEARCHES = [
  ["registry search (common word, 1 model in 5)", "fraud"],
  ["registry search (rare name fragment)", "model-04242"],
  ["registry search (description words)", "number 4242 for"],
  ["registry search (no match)", "no-such-model"],
] as const;

async function measureSearches(suffix: string) {
  const rows: Timing[] = [];
  for (const [name, search] of SEARCHES)
    rows.push(await measure(`${name}${suffix}`, () => listModels(ctx, { search })));
  return rows;
}

/** The same searches without the trigram indexes: what every search cost before them. */
async function measureSearchesWithoutTrigrams() {
  await database.$executeRawUnsafe(
    `DROP INDEX "RegisteredModel_name_trgm_idx", "RegisteredModel_description_trgm_idx"`,
  );
  return measureSearches(", without trigram indexes (before)");
}

const longModel = `model page of a model with ${VOLUME.longModelVersions.toLocaleString("en-US")} versions and as many alias moves`;

/** The long model's page as it reads now (the newest 50 versions, pages of the rest) and as it read every version before. */
async function measureLongModel() {
  const middle = Math.floor(VOLUME.longModelVersions / 2);
  const { id } = await database.registeredModel.findUniqueOrThrow({ where: { name: LONG_MODEL_NAME } });
  return [
    await measure(longModel, () => getModel(ctx, LONG_MODEL_NAME)),
    await measure(`${longModel}: a page of 50 versions in the middle`, () =>
      listVersions(ctx, LONG_MODEL_NAME, { cursor: middle, limit: 50 }),
    ),
    await measure(`${longModel}: the newest 50 alias moves`, () => aliasHistory(ctx, LONG_MODEL_NAME, { limit: 50 })),
    await measure(
      `${longModel}, every version read (before)`,
      () =>
        database.modelVersion.findMany({ where: { modelId: id }, orderBy: { version: "desc" }, select: versionSelect }),
      10,
      1,
    ),
  ];
}

/** Page 3,000 of 25 models (model 75,000 on) in two orders, by page number (OFFSET) and by the previous page's cursor. */
async function measureDeepPages(): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (const view of [
    { sort: "name", order: "asc" },
    { sort: "updatedAt", order: "desc" },
  ] as const) {
    const label = `registry list (sorted by ${view.sort} ${view.order}, page 3,000`;
    timings.push(await measure(`${label} by number)`, () => listModels(ctx, { ...view, page: 3_000 })));
    const cursor = (await listModels(ctx, { ...view, page: 2_999 })).nextCursor ?? undefined;
    timings.push(await measure(`${label} by cursor)`, () => listModels(ctx, { ...view, cursor })));
  }
  return timings;
}

// Each compare call is cold as far as the application goes (there is no in-process cache); Postgres's
// buffer cache is warm after the warm-up calls, as it is for a portal in use.
const loadBefore = loadAverage();
const timings: Timing[] = [
  await measure("registry list (page 1, newest first)", () => listModels(ctx, {})),
  await measure("registry list (sorted by name, page 200)", () =>
    listModels(ctx, { sort: "name", order: "asc", page: 200 }),
  ),
  ...(await measureDeepPages()),
  ...(await measureSearches("")),
  await measure("registry filter (tag + team + task)", () =>
    listModels(ctx, { tag: "tag-7", team: "Bench team", taskType: "RANKING" }),
  ),
  await measure("model page (versions, aliases, history, lineage)", () => getModel(ctx, nextModelName())),
  ...(await measureLongModel()),
  await measure(compareName, () => compareRuns(ctx, { runIds, metricKeys, maxPoints: 500 }), 20, 2),
  await measureCompareFromPoints(),
  ...(await measureSearchesWithoutTrigrams()),
];
const loadAfter = loadAverage();

const targets: Record<string, string> = Object.fromEntries(
  timings.map((t) => [
    t.name,
    (t.name.startsWith("registry") || t.name.startsWith(longModel)) && !t.name.endsWith("(before)")
      ? "p95 ≤ 50 ms"
      : t.name === compareName
        ? "≤ 300 ms"
        : t.name === compareFromPointsName
          ? "none (fallback path)"
          : "",
  ]),
);
const table = formatTable(timings, targets);
const sample = await compareRuns(ctx, { runIds, metricKeys, maxPoints: 500 });
const sentPoints = sample.series.reduce((sum, s) => sum + s.points.length, 0);
const storedPoints = sample.series.reduce((sum, s) => sum + s.totalPoints, 0);
console.log(
  `\n${table}\n\ncompare returns ${sentPoints.toLocaleString("en-US")} of ${storedPoints.toLocaleString("en-US")} stored points`,
);
console.log(`load average (1 / 5 / 15 min): ${loadBefore} before, ${loadAfter} after the timings`);

const section = [
  "## bench/registry",
  "",
  `Run with \`npm run bench:registry\` on ${new Date().toISOString().slice(0, 10)}.`,
  `Machine: ${describeMachine({ "load average (1 / 5 / 15 min)": `${loadBefore} before, ${loadAfter} after the timings` })}.`,
  `Volume: ${VOLUME.models.toLocaleString("en-US")} models, ${(VOLUME.models * VOLUME.versionsPerModel).toLocaleString("en-US")} versions (2 aliases and 2 alias events each model; one more model has ${VOLUME.longModelVersions.toLocaleString("en-US")} versions and as many alias moves), ${(VOLUME.compareRuns * VOLUME.metricsPerRun * VOLUME.steps).toLocaleString("en-US")} metric points (${VOLUME.compareRuns} runs × ${VOLUME.metricsPerRun} metrics × ${VOLUME.steps.toLocaleString("en-US")} steps).`,
  "Each query calls the service function the API uses, in-process against PostgreSQL (server-side time, no HTTP).",
  "",
  table,
  "",
  `The compare query sends ${sentPoints.toLocaleString("en-US")} of the ${storedPoints.toLocaleString("en-US")} stored points: ${sample.pointsPerSeries} per series, the chart budget of ${CHART_POINT_BUDGET.toLocaleString("en-US")} points shared by ${VOLUME.compareRuns} runs (maxPoints 500). ` +
    `Series are served from the preview logBatch stores with them (min/max buckets, ≤ ${PREVIEW_POINTS.toLocaleString("en-US")} points), downsampled further in JS; ` +
    "the last row is the same query for series without a preview, bucketed in SQL from their points.",
  "",
].join("\n");
writeBenchmarkSection("bench/registry", section);
await database.$disconnect();
