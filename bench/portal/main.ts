import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { freshBenchDatabase } from "@/bench/lib/bench-database";
import { writeBenchmarkSection } from "@/bench/lib/benchmarks-doc";
import { describeMachine } from "@/bench/lib/machine";
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

if (!existsSync(path.join(ROOT, ".next/BUILD_ID")))
  throw new Error("bench/portal serves the build: run `npx next build`");

const trpc = (procedure: string, input: unknown) =>
  `/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
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

type Result = {
  setup: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** How many answers had each status, so errors say what they were. */
  statuses: string;
};

/** Signs every person in through `base` and loads the reads for 60 s, each connection as one person. */
async function load(setup: string, base: string): Promise<Result> {
  const cookies: string[] = [];
  for (const email of emails) {
    const browser = new Browser();
    const signIn = await browser.devSignIn(base, email);
    if (signIn.status !== 200) throw new Error(`Sign-in of ${email} answered ${signIn.status}`);
    cookies.push(browser.cookieHeader());
  }
  let client = 0;
  const nextCookie = () => cookies[client++ % cookies.length]!;
  // Warm-up: every read once per person, so first-request compilation and caches are not measured.
  await autocannon({
    url: base,
    connections: CONNECTIONS,
    amount: CONNECTIONS * READS.length,
    ...requestsFor(nextCookie),
  });
  console.log(`${setup}: ${CONNECTIONS} connections for ${SECONDS} s…`);
  const timesMs: number[] = [];
  const statuses = new Map<number, number>();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const options = { url: base, connections: CONNECTIONS, duration: SECONDS, ...requestsFor(nextCookie) };
    const run = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)));
    run.on("response", (_client, status, _bytes, responseTimeMs) => {
      timesMs.push(responseTimeMs);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    });
  });
  timesMs.sort((a, b) => a - b);
  const at = (share: number) => Math.round(timesMs[Math.min(timesMs.length - 1, Math.floor(share * timesMs.length))]!);
  return {
    setup,
    requests: result.requests.total,
    rps: result.requests.average,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    errors: result.errors + result.timeouts + result.non2xx,
    statuses: [...statuses].map(([status, count]) => `${status}: ${count}`).join(", "),
  };
}

/**
 * autocannon's requests: each connection takes one person's session cookie (kept in its per-connection context) and
 * walks the reads in turn.
 */
function requestsFor(nextCookie: () => string): Pick<autocannon.Options, "requests"> {
  return {
    requests: READS.map((path) => ({
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
try {
  const [portPort, lbPort, secondPort] = [await freePort(), await freePort(), await freePort()];
  const single = `http://127.0.0.1:${portPort}`;
  const portals: Managed[] = [startPortal("portal-a", portPort, { ...settings, NEXTAUTH_URL: single })];
  await waitForUrl(portals[0]!, `${single}/api/health`);
  results.push(await load("1 portal process", single));
  await stopAll();

  const lb = `http://127.0.0.1:${lbPort}`;
  const pair = [
    startPortal("portal-a", portPort, { ...settings, NEXTAUTH_URL: lb }),
    startPortal("portal-b", secondPort, { ...settings, NEXTAUTH_URL: lb }),
  ];
  await Promise.all([
    waitForUrl(pair[0]!, `http://127.0.0.1:${portPort}/api/health`),
    waitForUrl(pair[1]!, `http://127.0.0.1:${secondPort}/api/health`),
  ]);
  const haproxy = await startHaproxy(path.join(scratch, "haproxy.cfg"), lbPort, [
    { name: "a", port: portPort },
    { name: "b", port: secondPort },
  ]);
  await waitForUrl(haproxy, `${lb}/api/health`);
  results.push(await load("2 portal processes behind HAProxy", lb));
} finally {
  await stopAll();
  await prometheus.stop();
  await database.$disconnect();
  await rm(scratch, { recursive: true, force: true });
}

const rows = results.map(
  (r) =>
    `| ${r.setup} | ${r.requests.toLocaleString("en")} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.errors} | ${r.statuses} |`,
);
const [one, two] = results;
const ratio = one && two ? `${(two.rps / one.rps).toFixed(2)}×` : "—";
const verdict = results
  .map((r) => `${r.setup}: ${r.p95 <= TARGET_P95_MS && r.errors === 0 ? "met" : "NOT met"}`)
  .join("; ");
const table = [
  "| setup | requests | req/s | p50 ms | p95 ms | p99 ms | errors + non-2xx | answers by status |",
  "|---|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");
console.log(`\n${table}\n\nthroughput two/one: ${ratio}; target p95 ≤ ${TARGET_P95_MS} ms with 0 errors`);
writeBenchmarkSection(
  "Portal under load (bench/portal)",
  `## Portal under load (bench/portal)

\`npm run bench:portal\`: ${CONNECTIONS} people signed in (the development sign-in, one session per connection) read for ${SECONDS} s
with autocannon — the registry list (first page, a search, page 5 sorted by name), deployments, the latency dashboard
(a real Prometheus), the cost overview, and the server-rendered \`/models\` and \`/deployments\` pages, in turn — against
the production build: one \`next start\` process, then two behind HAProxy (round robin). The database holds the demo
catalogue and ${BENCH_MODELS} more models. Target: p95 ≤ ${TARGET_P95_MS} ms with 0 errors.

${table}

Target: ${verdict}. Two processes / one, throughput: ${ratio}. Everything — both portals, PostgreSQL, Prometheus, HAProxy and autocannon
itself — shares this machine's cores, so a second process adds no CPU here; on a cluster each portal pod has its own.

Machine: ${describeMachine()}.
`,
);
