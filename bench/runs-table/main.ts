import { performance } from "node:perf_hooks";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { seedBenchOwner } from "@/bench/lib/bench-owner";
import { seedTableRuns } from "@/bench/lib/seed-table-runs";
import { describeMachine, loadAverage } from "@/bench/lib/machine";
import { formatTable, measure, type Timing } from "@/bench/lib/stats";
import { systemContextFromEnv } from "@/server/context-from-env";
import { actingAs } from "@/server/services/context";
import { listRuns } from "@/server/services/experiments/list-runs";
import type { ListRunsInput } from "@/server/services/experiments/schemas";

// bench/runs-table: the runs table of one experiment of 100,000 runs (3 metrics, 3 params and a tag each, 20 people),
// through listRuns in-process (the service behind experiments.runs; tRPC adds serialisation of the page): the first
// page of 50 under each sort and filter, a page deep in the table read with its cursor, and a walk over every run in
// pages of 500 that checks no run is skipped or repeated. Rewrites its section of docs/benchmarks.md unless
// BENCH_QUICK=1.
const RUNS = Number(process.env.BENCH_RUNS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const QUICK = process.env.BENCH_QUICK === "1";

const { database } = await freshBenchDatabase("modelport_bench_runs_table");
console.log(`Seeding ${RUNS.toLocaleString("en-US")} runs…`);
const seedStart = performance.now();
await seedBenchOwner(database);
await seedTableRuns(database, { experimentId: "bench_exp", runs: RUNS });
// Vacuumed as well as analysed, so autovacuum does not start on the fresh rows during the timings.
await database.$executeRawUnsafe(`VACUUM ANALYZE`);
console.log(`Seeded in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);

const ctx = actingAs(
  { ...systemContextFromEnv(), db: database },
  { userId: "bench_user", role: "DATA_SCIENTIST", teamId: "bench_team" },
);
type View = Omit<ListRunsInput, "experimentId" | "cursor">;
const page = (view: View, cursor?: string | null) =>
  listRuns(ctx, { experimentId: "bench_exp", pageSize: 50, ...view, cursor });

/** The cursor `depth` runs into the view, found by walking it in pages of 500. */
async function cursorAt(view: View, depth: number) {
  let cursor: string | null = null;
  for (let read = 0; read < depth; read += 500) {
    cursor = (await listRuns(ctx, { experimentId: "bench_exp", ...view, pageSize: 500, cursor })).nextCursor;
  }
  return cursor;
}

const VIEWS: [string, View][] = [
  ["newest first (default)", {}],
  ["sort by name", { sortBy: "name", sortDir: "asc" }],
  ["sort by metrics.val_auc desc", { sortBy: "metrics.val_auc", sortDir: "desc" }],
  ["sort by metrics.val_loss asc (10% lack it)", { sortBy: "metrics.val_loss", sortDir: "asc" }],
  ["sort by params.learning_rate (numeric)", { sortBy: "params.learning_rate", sortDir: "asc" }],
  ["sort by user", { sortBy: "user", sortDir: "asc" }],
  ["sort by duration", { sortBy: "duration", sortDir: "desc" }],
  [
    "filter metrics.val_auc > 0.9 and params.optimizer = 'adam'",
    { filter: "metrics.val_auc > 0.9 and params.optimizer = 'adam'" },
  ],
  [
    "filter the same, sorted by metrics.val_auc",
    { filter: "metrics.val_auc > 0.9 and params.optimizer = 'adam'", sortBy: "metrics.val_auc", sortDir: "desc" },
  ],
  ["filter attributes.status = 'FAILED'", { filter: "attributes.status = 'FAILED'" }],
  [
    "filter tags.team = 'team-3' and params.max_depth >= 10",
    { filter: "tags.team = 'team-3' and params.max_depth >= 10" },
  ],
];

const rows: Timing[] = [];
const loadBefore = loadAverage();
for (const [name, view] of VIEWS) {
  rows.push(await measure(`${name}: first page`, () => page(view), SAMPLES, 3));
  console.log(rows.at(-1));
}
for (const [name, view] of [VIEWS[0]!, VIEWS[2]!, VIEWS[4]!]) {
  const deep = await cursorAt(view, 50_000);
  rows.push(await measure(`${name}: the page after 50,000 runs`, () => page(view, deep), SAMPLES, 3));
  console.log(rows.at(-1));
}

// Every run once, in pages of 500: keyset pages may not skip or repeat a run.
const walkStart = performance.now();
const seen = new Set<string>();
let pages = 0;
let cursor: string | null = null;
do {
  const next = await listRuns(ctx, { experimentId: "bench_exp", sortBy: "metrics.val_auc", pageSize: 500, cursor });
  for (const run of next.items) seen.add(run.id);
  pages += 1;
  cursor = next.nextCursor;
} while (cursor);
const walkSeconds = (performance.now() - walkStart) / 1000;
const loadAfter = loadAverage();
if (seen.size !== RUNS) throw new Error(`The walk saw ${seen.size} distinct runs of ${RUNS}`);

const body = `Run with \`npm run bench:runs-table\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${describeMachine({ "load average (1 / 5 / 15 min)": `${loadBefore} before, ${loadAfter} after the timings` })}.
One experiment of ${RUNS.toLocaleString("en-US")} runs (3 metrics, 3 params and a tag each; 20 people), read through listRuns in-process (the service behind the runs table's experiments.runs; tRPC adds serialising the page). Pages of 50; the first page counts the matching runs, later pages are read with the previous page's cursor. Target (issue 15): p95 ≤ 150 ms.

${formatTable(rows, Object.fromEntries(rows.map((row) => [row.name, "p95 ≤ 150 ms"])))}

A metric, param or user sort joins each run to its key's row. A numeric param sort reads the number stored beside each value (RunParam.numericValue, kept by a trigger), and whether the key is numeric in the experiment from one index entry; it used to test and cast every value's text, twice (about 200 ms p50). Offsets are gone: a page deep in the table costs what the first one does.

Walking all ${RUNS.toLocaleString("en-US")} runs sorted by metrics.val_auc in ${pages} pages of 500: ${walkSeconds.toFixed(1)} s, every run seen exactly once.`;
console.log(`\n${body}`);
if (!QUICK) writeBenchmarkSection("bench/runs-table", `## bench/runs-table\n\n${body}`);
await database.$disconnect();
