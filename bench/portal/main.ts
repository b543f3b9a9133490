import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
import { machineBusySeconds, processTreeCpuSeconds } from "@/bench/lib/process-cpu";
import { freePort } from "@/tests/integration/runtime/runtime-process";
import { startPrometheus } from "@/tests/integration/support/prometheus-process";
import { startHaproxy, startPortal, stopAll, waitForUrl, type Managed } from "@/tests/cluster/cluster-processes";
import { Browser } from "@/tests/cluster/portal-client";

// bench/portal: 50 signed-in people reading the registry, deployments and dashboards for 60 s through autocannon,
// against one portal process and against two behind HAProxy (round robin), side by side: requests/s, p50/p95/p99 and
// errors. Everything runs on this machine: the portals, PostgreSQL, Prometheus, HAProxy and the load tool share its
// cores. Rewrites its section of docs/benchmarks.md. Needs the production build (`npx next build`).
const ROOT = path.resolve(import.meta.dirname, "../..");
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const BENCH_MODELS = 300;
const TARGET_P95_MS = 300;
const READ_SECONDS = Number(process.env.BENCH_READ_SECONDS ?? 10);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 10);
/** The paced model's rate: a page view is the page and three or four reads, so 2 reads/s is a page every 2 s. */
const PACED_READS_PER_PERSON = Number(process.env.BENCH_PACED_READS_PER_PERSON ?? 2);
/** BENCH_QUICK=1: one portal only, nothing written to docs/benchmarks.md (for trying a change). */
const QUICK = process.env.BENCH_QUICK === "1";

if (!existsSync(path.join(ROOT, ".next/BUILD_ID")))
  throw new Error("bench/portal serves the build: run `npx next build`");

const trpc = (procedure: string, input: unknown) =>
  `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
/** A read's name for the tables: the tRPC procedure and its input, or the page's path. */
function readLabel(read: string): string {
  const match = /^\/api\/trpc\/([^?]+)\?input=(.*)$/.exec(read);
  if (!match) return `page ${read}`;
  const input = JSON.stringify((JSON.parse(decodeURIComponent(match[2]!)) as { json: unknown }).json);
  return `${match[1]} ${input}`;
}

/** What the registry, deployments and dashboard pages fetch, and two of the pages themselves (server-rendered). */
const READS = [
  trpc("registry.list", { page: 1, pageSize: 25 }),
  trpc("registry.list", { search: "bench-model-1", page: 1, pageSize: 25 }),
  trpc("registry.list", { page: 5, pageSize: 25, sort: "name", order: "asc" }),
  trpc("deployments.list", { take: 50 }),
  trpc("latency.dashboard", {}),
  trpc("cost.overview", { range: "24h" }),
  "/models",
  "/deployments",
];

const { url: databaseUrl, database } = await freshBenchDatabase("modelport_bench_portal");
const scratch = await mkdtemp(path.join(os.tmpdir(), "modelport-bench-portal-"));
const prometheus = await startPrometheus({ targets: [] });
const settings = {
  DATABASE_URL: databaseUrl,
  QUEUE_PREFIX: "modelport_bench_portal",
  NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
  ARTIFACT_URL_SECRET: randomBytes(32).toString("hex"),
  MODELPORT_DEV_LOGIN: "1",
  MODELPORT_LOCAL_DEMO: "1",
  MODELPORT_BIND_HOST: "127.0.0.1",
  ARTIFACT_ROOT: path.join(scratch, "artifacts"),
  PROMETHEUS_URL: prometheus.url,
  SIGN_IN_ATTEMPTS_PER_IP: "100000",
  SIGN_IN_ATTEMPTS_PER_EMAIL: "100000",
};

console.log("Seeding the demo catalogue and the benchmark's people and models…");
execFileSync(path.join(ROOT, "node_modules/.bin/tsx"), ["prisma/seed.ts"], {
  cwd: ROOT,
  env: { ...process.env, ...settings },
  stdio: ["ignore", "ignore", "inherit"],
});
const teams = await database.team.findMany({ select: { id: true } });
const emails = Array.from({ length: CONNECTIONS }, (_, i) => `bench-person-${i}@bench.test`);
await database.user.createMany({
  data: emails.map((email, i) => ({
    email,
    name: `Bench person ${i}`,
    role: "DATA_SCIENTIST",
    teamId: teams[i % teams.length]!.id,
    isDemo: true,
  })),
});
const creator = await database.user.findFirstOrThrow({ where: { email: emails[0] } });
await database.registeredModel.createMany({
  data: Array.from({ length: BENCH_MODELS }, (_, i) => ({
    name: `bench-model-${i}`,
    teamId: teams[i % teams.length]!.id,
    taskType: "CLASSIFICATION",
    tags: ["bench"],
    description: `Benchmark model ${i}`,
    createdById: creator.id,
  })),
});

/** Signs every person in through `base`: one session cookie per person. */
async function signInEveryone(base: string): Promise<string[]> {
  const cookies: string[] = [];
  for (const email of emails) {
    const browser = new Browser();
    const signIn = await browser.devSignIn(base, email);
    if (signIn.status !== 200) throw new Error(`Sign-in of ${email} answered ${signIn.status}`);
    cookies.push(browser.cookieHeader());
  }
  return cookies;
}

/**
 * How the people read: each as fast as answers come (a closed loop with no pause: the portal's capacity, and the
 * latency when it is saturated), or each at `perPersonPerSecond` reads a second, people starting at different moments.
 */
type LoadModel = { name: string; perPersonPerSecond?: number };
const SATURATING: LoadModel = { name: "no pause between reads" };
const PACED: LoadModel = {
  name: `${PACED_READS_PER_PERSON} reads/s per person (${CONNECTIONS * PACED_READS_PER_PERSON} reads/s offered)`,
  perPersonPerSecond: PACED_READS_PER_PERSON,
};

type Target = { base: string; portals: Managed[]; cookies: string[] };
type Answers = { timesMs: number[]; statuses: Map<number, number>; errors: number };

/** One autocannon run; every answer's time and status go into `answers`. */
function run(options: autocannon.Options, answers: Answers): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)));
    instance.on("response", (_client, status, _bytes, responseTimeMs) => {
      answers.timesMs.push(responseTimeMs);
      answers.statuses.set(status, (answers.statuses.get(status) ?? 0) + 1);
    });
  });
}

/**
 * The load of `model` for `seconds`. Without a pause it is one autocannon with a connection per person. Paced, each
 * person is an autocannon of its own (one connection, `connectionRate`), started at an evenly spread moment of the
 * first second: autocannon's rate limit sends a connection's reads for a second back to back and then waits for the
 * next second, so one shared instance would send every person's reads at the same instant, a burst no crowd makes.
 */
async function drive(target: Target, reads: string[], model: LoadModel, seconds: number, answers: Answers) {
  const common = { url: target.base, duration: seconds };
  const rate = model.perPersonPerSecond;
  if (!rate) {
    let client = 0;
    const nextCookie = () => target.cookies[client++ % target.cookies.length]!;
    const result = await run({ ...common, connections: CONNECTIONS, ...requestsFor(reads, nextCookie) }, answers);
    answers.errors += result.errors + result.timeouts + result.non2xx;
    return;
  }
  const people = target.cookies.map(async (cookie, index) => {
    await sleep((index * 1000) / target.cookies.length);
    const options = { ...common, connections: 1, connectionRate: rate, ...requestsFor(reads, () => cookie) };
    const result = await run(options, answers);
    answers.errors += result.errors + result.timeouts + result.non2xx;
  });
  await Promise.all(people);
}

/**
 * Loads `reads` in turn for `seconds`, each connection as one person, after a warm-up: every read once per person,
 * then WARM_UP_SECONDS with no pause, so that first-request compilation, caches and the JIT's optimisation of the
 * hot paths (a long-running portal's state) are not measured.
 */
async function load(setup: string, target: Target, reads: string[], model: LoadModel, seconds: number) {
  const portalCpuSeconds = () =>
    target.portals.reduce((sum, portal) => sum + processTreeCpuSeconds(portal.child.pid!), 0);
  const warmUp: Answers = { timesMs: [], statuses: new Map(), errors: 0 };
  let client = 0;
  const nextCookie = () => target.cookies[client++ % target.cookies.length]!;
  const requests = requestsFor(reads, nextCookie);
  await run({ url: target.base, connections: CONNECTIONS, amount: CONNECTIONS * reads.length, ...requests }, warmUp);
  await drive(target, reads, SATURATING, WARM_UP_SECONDS, warmUp);
  console.log(`${setup}, ${model.name}: ${CONNECTIONS} people for ${seconds} s…`);
  const answers: Answers = { timesMs: [], statuses: new Map(), errors: 0 };
  const [portalCpuBefore, machineCpuBefore] = [portalCpuSeconds(), machineBusySeconds()];
  const started = performance.now();
  await drive(target, reads, model, seconds, answers);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const { timesMs, statuses } = answers;
  const perAnswerMs = (cpuSeconds: number) => Math.round((cpuSeconds * 1000 * 100) / timesMs.length) / 100;
  const portalCpuMs = perAnswerMs(portalCpuSeconds() - portalCpuBefore);
  const machineCpuMs = perAnswerMs(machineBusySeconds() - machineCpuBefore);
  timesMs.sort((a, b) => a - b);
  const at = (share: number) => Math.round(timesMs[Math.min(timesMs.length - 1, Math.floor(share * timesMs.length))]!);
  return {
    setup,
    model: model.name,
    requests: timesMs.length,
    rps: timesMs.length / elapsedSeconds,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    errors: answers.errors,
    statuses: [...statuses].map(([status, count]) => `${status}: ${count}`).join(", "),
    portalCpuMs,
    machineCpuMs,
  };
}
type Result = Awaited<ReturnType<typeof load>>;

/**
 * autocannon's requests: each connection takes one person's session cookie (kept in its per-connection context) and
 * walks the reads in turn.
 */
function requestsFor(reads: string[], nextCookie: () => string): Pick<autocannon.Options, "requests"> {
  return {
    requests: reads.map((path) => ({
      method: "GET" as const,
      path,
      setupRequest: (request: autocannon.Request, context: { cookie?: string }) => {
        context.cookie ??= nextCookie();
        return { ...request, headers: { ...request.headers, cookie: context.cookie } };
      },
    })),
  };
}

const results: Result[] = [];
/** Each read alone against one portal process: which of them the time goes to. */
const perRead: Result[] = [];
/** One portal process: the mixed reads, then each read alone. */
async function measureOnePortal(ports: { portal: number }) {
  const single = `http://127.0.0.1:${ports.portal}`;
  const portal = startPortal("portal-a", ports.portal, { ...settings, NEXTAUTH_URL: single });
  await waitForUrl(portal, `${single}/api/health`);
  const target = { base: single, portals: [portal], cookies: await signInEveryone(single) };
  for (const model of [SATURATING, PACED]) results.push(await load("1 portal process", target, READS, model, SECONDS));
  for (const read of READS) perRead.push(await load(readLabel(read), target, [read], SATURATING, READ_SECONDS));
  await stopAll();
}

/** Two portal processes behind HAProxy (round robin): the mixed reads. */
async function measureTwoPortals(ports: { portal: number; second: number; balancer: number }) {
  const lb = `http://127.0.0.1:${ports.balancer}`;
  const pair = [
    startPortal("portal-a", ports.portal, { ...settings, NEXTAUTH_URL: lb }),
    startPortal("portal-b", ports.second, { ...settings, NEXTAUTH_URL: lb }),
  ];
  await Promise.all([
    waitForUrl(pair[0]!, `http://127.0.0.1:${ports.portal}/api/health`),
    waitForUrl(pair[1]!, `http://127.0.0.1:${ports.second}/api/health`),
  ]);
  const haproxy = await startHaproxy(path.join(scratch, "haproxy.cfg"), ports.balancer, [
    { name: "a", port: ports.portal },
    { name: "b", port: ports.second },
  ]);
  await waitForUrl(haproxy, `${lb}/api/health`);
  const target = { base: lb, portals: pair, cookies: await signInEveryone(lb) };
  for (const model of [SATURATING, PACED])
    results.push(await load("2 portal processes behind HAProxy", target, READS, model, SECONDS));
}

try {
  const ports = { portal: await freePort(), second: await freePort(), balancer: await freePort() };
  await measureOnePortal(ports);
  if (!QUICK) await measureTwoPortals(ports);
} finally {
  await stopAll();
  await prometheus.stop();
  await database.$disconnect();
  await rm(scratch, { recursive: true, force: true });
}

const row = (r: Result) =>
  `| ${r.setup} | ${r.model} | ${r.requests.toLocaleString("en")} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} | ${r.statuses} | ${r.portalCpuMs} | ${r.machineCpuMs} |`;
const rows = results.map(row);
const saturated = results.filter((r) => r.model === SATURATING.name);
const [one, two] = saturated;
const ratio = one && two ? `${(two.rps / one.rps).toFixed(2)}×` : "—";
const verdict = results
  .map((r) => `${r.setup}, ${r.model}: ${r.p95 <= TARGET_P95_MS && r.errors === 0 ? "met" : "NOT met"}`)
  .join("; ");
const table = [
  "| setup | people read | requests | req/s | p50 ms | p95 ms | p99 ms | errors + non-2xx | answers by status | portal CPU ms per answer | machine CPU ms per answer |",
  "|---|---|---|---|---|---|---|---|---|---:|---:|",
  ...rows,
].join("\n");
const perReadTable = [
  "| read (alone, 1 portal process) | people read | requests | req/s | p50 ms | p95 ms | p99 ms | errors + non-2xx | answers by status | portal CPU ms per answer | machine CPU ms per answer |",
  "|---|---|---|---|---|---|---|---|---|---:|---:|",
  ...perRead.map(row),
].join("\n");
console.log(
  `\n${table}\n\n${perReadTable}\n\nthroughput two/one: ${ratio}; target p95 ≤ ${TARGET_P95_MS} ms with 0 errors`,
);
if (QUICK) process.exit(0);
writeBenchmarkSection(
  "Portal under load (bench/portal)",
  `## Portal under load (bench/portal)

\`npm run bench:portal\`: ${CONNECTIONS} people signed in (the development sign-in, a session each) read for ${SECONDS} s with
autocannon — the registry list (first page, a search, page 5 sorted by name), deployments, the latency dashboard
(a real Prometheus), the cost overview, and the server-rendered \`/models\` and \`/deployments\` pages, in turn — against
the production build: one \`next start\` process, then two behind HAProxy (round robin). The database holds the demo
catalogue and ${BENCH_MODELS} more models. Target: p95 ≤ ${TARGET_P95_MS} ms with 0 errors.

Two ways the people read. **No pause between reads**: each person's next read leaves as soon as the last answer
arrives (autocannon's closed loop, a connection per person): this finds the portal's capacity, and its latencies are
those of a saturated portal, every request queueing behind the other 49. **Paced**: each person reads
${PACED_READS_PER_PERSON} times a second, the ${CONNECTIONS} people starting at moments spread over the first second (an
autocannon per person with \`connectionRate\`; one shared autocannon would fire every person's reads in the same
instant each second). A page view here is the page and three or four reads, so this is a page every two seconds per
person, for a minute, everyone at once: much busier than people are.

${table}

Target: ${verdict}. Two processes / one, throughput with no pause: ${ratio}. Everything — the portals,
PostgreSQL, Prometheus, HAProxy and autocannon itself — shares this machine's two vCPUs, so a second portal process
adds little CPU here (the machine is saturated with one); on a cluster each portal pod has its own. The CPU columns
are the portal processes' CPU time and the whole machine's busy time over the run, divided by the answers.

Where the time goes: each read alone for ${READ_SECONDS} s with no pause (after its warm-up), one portal process.

${perReadTable}

Machine: ${describeMachine()}.
`,
);
