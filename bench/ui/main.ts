import { existsSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { chromium, type Page } from "@playwright/test";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { seedBenchOwner } from "@/bench/lib/bench-owner";
import { describeMachine, loadAverage } from "@/bench/lib/machine";
import { curveRunId, seedCurveRuns } from "@/bench/lib/seed-curve-runs";
import { seedTableRuns } from "@/bench/lib/seed-table-runs";
import { MAX_COMPARE_RUNS as MAX_LINK_RUNS } from "@/components/experiments/shared/url";
import { runSelectionId } from "@/server/services/experiments/run-selections";
import { stopAll } from "@/tests/cluster/cluster-processes";
import { startBenchPortal } from "@/bench/lib/bench-portal";

// bench/ui: what a data scientist waits for in Chromium, signed in to a production build (`next start`) on this
// machine: navigation → every curve of every chart drawn on the compare page (and the bytes its API calls carried),
// and navigation → the first page of a 100,000-run table under each sort and filter, then the next page on scrolling.
// Times are the page's own clock (from the start of navigation), read when the page shows the result. Each sample
// compares the runs in another order, so neither the server's curve cache nor the browser's HTTP cache answers.
// Needs `npx next build`. Rewrites its section of docs/benchmarks.md unless BENCH_QUICK=1.
const ROOT = path.resolve(import.meta.dirname, "../..");
const CURVE_RUNS = 1_000;
const METRICS = 5;
const STEPS = 1_000;
const TABLE_RUNS = Number(process.env.BENCH_RUNS ?? 100_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const QUICK = process.env.BENCH_QUICK === "1";
const VIEWPORT = { width: 1280, height: 2400 }; // tall enough that all five charts mount at once

if (!existsSync(path.join(ROOT, ".next/BUILD_ID"))) throw new Error("bench/ui serves the build: `npx next build`");

const { url: databaseUrl, database } = await freshBenchDatabase("modelport_bench_ui");
console.log(`Seeding ${CURVE_RUNS} runs × ${METRICS} metrics × ${STEPS} steps and a table of ${TABLE_RUNS} runs…`);
const seedStart = performance.now();
await seedBenchOwner(database, { demo: true });
await seedCurveRuns(database, { runs: CURVE_RUNS, metrics: METRICS, steps: STEPS });
await seedTableRuns(database, { experimentId: "bench_table", runs: TABLE_RUNS });
await database.$executeRawUnsafe(`VACUUM ANALYZE`);
console.log(`Seeded in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);

const base = await startBenchPortal(databaseUrl, "modelport_bench_ui");

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const context = await browser.newContext({ baseURL: base, viewport: VIEWPORT });
const csrf = (await (await context.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
const signIn = await context.request.post("/api/auth/callback/dev", {
  form: { csrfToken: csrf.csrfToken, email: "bench@example.test", callbackUrl: "/", json: "true" },
});
if (!signIn.ok()) throw new Error(`Sign-in answered ${signIn.status()}`);

type Sample = { ms: number; firstMs: number; kb: number; requestMs: number };

/**
 * The decoded bytes of the page's API answers (tRPC and the curve stream), read once they have all ended, and when
 * the first of them was asked for (before then the browser was loading and starting the page's code).
 */
type ApiCall = { name: string; startTime: number; decodedBodySize: number };

const apiTraffic = (page: Page) =>
  page.evaluate(() => {
    // Typed by hand: this runs in the page, where entries are the DOM's, not Node's.
    const entries = performance.getEntriesByType("resource") as unknown as ApiCall[];
    const calls = entries.filter((entry) => entry.name.includes("/api/"));
    return {
      kb: calls.reduce((sum, entry) => sum + entry.decodedBodySize, 0) / 1024,
      requestMs: calls.length > 0 ? Math.min(...calls.map((entry) => entry.startTime)) : Number.NaN,
    };
  });

/**
 * The compare link a person would open: the runs by id up to the link's limit, else a saved selection (saved here
 * beforehand, as "Compare all" saves it before navigating; its time is not counted).
 */
async function compareLink(runIds: string[], keys: string[]): Promise<string> {
  if (runIds.length <= MAX_LINK_RUNS) return `/experiments/compare?runs=${runIds.join(",")}&metric=${keys.join(",")}`;
  const id = runSelectionId(runIds);
  await database.runSelection.createMany({ data: [{ id, runIds, createdById: "bench_user" }], skipDuplicates: true });
  return `/experiments/compare?set=${id}&metric=${keys.join(",")}`;
}

async function compareOnce(page: Page, runIds: string[], keys: string[]): Promise<Sample> {
  await page.goto(await compareLink(runIds, keys), { waitUntil: "commit" });
  // One poll notes when the first curve and when every curve was drawn, by the page's clock, as each happens.
  const times = await page.waitForFunction(
    ({ metricKeys, runs }) => {
      const drawn = metricKeys.map(
        (key) =>
          document
            .querySelector(`[data-testid="curve-${key}"] [data-drawn-curves]`)
            ?.getAttribute("data-drawn-curves") ?? "0",
      );
      const seen = window as unknown as { firstDrawnAt?: number };
      if (seen.firstDrawnAt === undefined && drawn.some((count) => count !== "0"))
        seen.firstDrawnAt = performance.now();
      const done = drawn.every((count) => count === String(runs));
      return done ? { first: seen.firstDrawnAt ?? performance.now(), all: performance.now() } : false;
    },
    { metricKeys: keys, runs: runIds.length },
    { polling: "raf", timeout: 120_000 },
  );
  const { first: firstMs, all: ms } = (await times.jsonValue()) as { first: number; all: number };
  return { ms, firstMs, ...(await apiTraffic(page)) };
}

const FOOTER_FIRST_PAGE = /^(\d[\d,]* of [\d,]+ runs loaded|All [\d,]+ runs loaded)$/;

async function tableOnce(page: Page, search: string): Promise<Sample> {
  await page.goto(`/experiments/bench_table${search}`, { waitUntil: "commit" });
  const firstMs = Number(
    await (
      await page.waitForFunction(
        (pattern) => {
          const text = document.querySelector('[data-testid="runs-loaded"]')?.textContent?.trim() ?? "";
          return new RegExp(pattern).test(text) ? performance.now() : false;
        },
        FOOTER_FIRST_PAGE.source,
        { polling: "raf", timeout: 60_000 },
      )
    ).jsonValue(),
  );
  const loadedBefore = await page.getByTestId("runs-loaded").innerText();
  const traffic = await apiTraffic(page);
  // Every run fitted on the first page: there is no next page to time.
  if (loadedBefore.startsWith("All")) return { ms: firstMs, firstMs: Number.NaN, ...traffic };
  // The next page: scroll to the end and wait for the footer to count more runs than the first page held (its
  // "loading more…" comes first and does not count).
  const nextMs = Number(
    await page.evaluate(async () => {
      const region = document.querySelector('[role="region"][aria-label="Runs"]');
      const footer = document.querySelector('[data-testid="runs-loaded"]');
      if (!region || !footer) throw new Error("The runs table is not on the page");
      // No named helper here: the bench's transpiler would wrap it in a helper the page does not have.
      const counts = /^([\d,]+)/;
      let firstPage = -1;
      let start = 0;
      for (;;) {
        const loaded = Number((counts.exec(footer.textContent?.trim() ?? "")?.[1] ?? "0").replaceAll(",", ""));
        if (firstPage < 0) {
          firstPage = loaded;
          start = performance.now();
          region.scrollTo(0, region.scrollHeight);
        } else if (loaded > firstPage) break;
        if (performance.now() - start > 60_000) throw new Error("The next page did not arrive within 60 s");
        await new Promise(requestAnimationFrame);
      }
      return performance.now() - start;
    }),
  );
  return { ms: firstMs, firstMs: nextMs, ...traffic };
}

/** The p-th percentile of the measured values (NaN, "not measured", left out); NaN when none was measured. */
const percentile = (values: number[], p: number) => {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};
type Row = { name: string; p50: number; p95: number; second50: number; request50: number; kb: number };

async function sampled(name: string, once: (page: Page, sample: number) => Promise<Sample>): Promise<Row> {
  const samples: Sample[] = [];
  for (let i = -1; i < SAMPLES; i++) {
    const page = await context.newPage();
    const sample = await once(page, i);
    await page.close();
    if (i >= 0) samples.push(sample);
  }
  const p = (field: keyof Sample, at: number) =>
    percentile(
      samples.map((sample) => sample[field]),
      at,
    );
  const row = {
    name,
    p50: p("ms", 50),
    p95: p("ms", 95),
    second50: p("firstMs", 50),
    request50: p("requestMs", 50),
    kb: samples[0]?.kb ?? 0,
  };
  console.log(`${name}: p50 ${row.p50.toFixed(0)} ms, p95 ${row.p95.toFixed(0)} ms, ${row.kb.toFixed(0)} kB`);
  return row;
}

const allRuns = Array.from({ length: CURVE_RUNS }, (_, i) => curveRunId(i + 1));
const keys = Array.from({ length: METRICS }, (_, i) => `metric_${i + 1}`);
/** The first `count` runs, in another order for each sample. */
const runsFor = (count: number, sample: number) => {
  const runs = allRuns.slice(0, count);
  const shift = (sample + 1) % count;
  return [...runs.slice(shift), ...runs.slice(0, shift)];
};

const loadBefore = loadAverage();
const compareRows: Row[] = [];
const compareSizes = [12, 200, 1_000];
for (const count of compareSizes) {
  compareRows.push(
    await sampled(`${count} runs × ${METRICS} metrics`, (page, sample) =>
      compareOnce(page, runsFor(count, sample), keys),
    ),
  );
}

const TABLE_VIEWS: [string, string][] = [
  ["newest first", ""],
  ["sorted by metrics.val_auc desc", "?sort=metrics.val_auc&dir=desc"],
  ["sorted by params.learning_rate asc", "?sort=params.learning_rate&dir=asc"],
  ["sorted by duration desc", "?sort=duration&dir=desc"],
  [
    "filter metrics.val_auc > 0.9 and params.optimizer = 'adam'",
    `?filter=${encodeURIComponent("metrics.val_auc > 0.9 and params.optimizer = 'adam'")}`,
  ],
  ["filter attributes.status = 'FAILED'", `?filter=${encodeURIComponent("attributes.status = 'FAILED'")}`],
];
const tableRows: Row[] = [];
for (const [name, search] of TABLE_VIEWS) tableRows.push(await sampled(name, (page) => tableOnce(page, search)));

await browser.close();
const loadAfter = loadAverage();
await stopAll();
await database.$disconnect();

const ms = (value: number) => (Number.isNaN(value) ? "—" : value.toFixed(0));
const compareTable = [
  "| compare page | p50 ms to every curve drawn | p95 ms | first curves p50 ms | first API request p50 ms | API kB |",
  "|---|---:|---:|---:|---:|---:|",
  ...compareRows.map(
    (r) => `| ${r.name} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.second50)} | ${ms(r.request50)} | ${r.kb.toFixed(0)} |`,
  ),
].join("\n");
const tableTable = [
  `| runs table of ${TABLE_RUNS.toLocaleString("en-US")} runs | p50 ms to first page shown | p95 ms | next page on scroll p50 ms | first API request p50 ms | API kB |`,
  "|---|---:|---:|---:|---:|---:|",
  ...tableRows.map(
    (r) => `| ${r.name} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.second50)} | ${ms(r.request50)} | ${r.kb.toFixed(0)} |`,
  ),
].join("\n");
const body = `Run with \`npm run bench:ui\` on ${new Date().toISOString().slice(0, 10)}.
Machine: ${describeMachine({ "load average (1 / 5 / 15 min)": `${loadBefore} before, ${loadAfter} after the timings` })}.
Chromium (headless, software rendering) at ${VIEWPORT.width}×${VIEWPORT.height} signed in as a data scientist to one portal (\`next start\`) and PostgreSQL on this machine; ${SAMPLES} samples after one warm-up, each in a new tab (with 5 samples, p95 is the slowest; — is not measured). Times are the page's clock from the start of navigation. Compare: ${CURVE_RUNS.toLocaleString("en-US")} runs × ${METRICS} metrics × ${STEPS.toLocaleString("en-US")} steps seeded; "every curve drawn" is when all ${METRICS} canvas charts have drawn every run; up to ${MAX_LINK_RUNS} runs the link lists them, 1,000 runs are a saved selection (\`set=\`, saved before navigating, as "Compare all" does), whose comparison and curves the page asks for by its id; API kB is the decoded bodies of the page's tRPC and curve-stream answers. Runs table: "first page shown" is when the footer counts the first 100 rows; "next page" runs from scrolling to the end to the footer counting more than the first 100.
Targets (issue 15): navigation → all curves drawn: 200 runs ≤ 1.5 s, 1,000 runs ≤ 3 s; runs table filter/sort at 100,000 runs p95 ≤ 150 ms on the server (bench/runs-table; these are the browser's times, server included).

${compareTable}

${tableTable}

"First API request" is when the page, once its code has loaded and started, asked for its first data: everything before it is the browser loading the document and scripts and hydrating (software rendering on a shared two-core machine), which faster queries cannot shorten (data read on the server with the page could). The rest is the queries, the curve stream and drawing.`;
console.log(`\n${body}`);
if (!QUICK) writeBenchmarkSection("bench/ui", `## bench/ui\n\n${body}`);
