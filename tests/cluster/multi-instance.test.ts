import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { queueFor } from "@/server/jobs/define-job";
import { plannedStepNames } from "@/server/services/deployments/deployment-views";
import { WORKER_JOBS } from "@/workers/jobs";
import { startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { startLocalS3 } from "@/tests/integration/support/local-s3";
import { freePort } from "@/tests/integration/runtime/runtime-process";
import {
  isAlive,
  outputs,
  startHaproxy,
  startPortal,
  startWorker,
  stopAll,
  waitForUrl,
  workerStarted,
  type Managed,
} from "@/tests/cluster/cluster-processes";
import { Browser, rest, trpcData, type Answer } from "@/tests/cluster/portal-client";

/**
 * Issue 13, item 5: two portal processes (the production build) behind Debian's HAProxy (round robin, no
 * stickiness), three worker processes, the real local runtime and an S3-compatible artifact store, all on loopback.
 * A person signs in through portal A and carries on through portal B; a pipeline's token registers 20 versions
 * through the balancer; 20 promotions run while one worker, chosen at a random moment among those holding a
 * deployment, is SIGKILLed (a replacement starts). Then the database shows: every deployment ended once, SUCCEEDED;
 * every planned step succeeded exactly once (a try the killed worker left behind is ABANDONED, never a second
 * success); every alias moved once per promotion; one schedule per scheduled job; one worker exports the gauges.
 */

const MODELS = 5;
const VERSIONS_PER_MODEL = 4;
const PROMOTIONS = MODELS * VERSIONS_PER_MODEL;
const STRATEGY = { kind: "linear", stepPercent: 50, stepBakeSeconds: 0, tooFewRequests: "roll-back" } as const;
const PLANNED = plannedStepNames(STRATEGY);
const EMAIL = "cluster-scientist@example.test";

/** Reproducible randomness: CLUSTER_SEED replays a run (the seed is printed). */
const seed = Number(process.env.CLUSTER_SEED ?? randomBytes(4).readUInt32BE());
function mulberry32(state: number) {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(seed);

const began = Date.now();
const timings: string[] = [];
let phaseStart = Date.now();
function phase(name: string) {
  const now = Date.now();
  timings.push(`${name}: ${((now - phaseStart) / 1000).toFixed(1)} s`);
  console.log(`[cluster] ${name} (${((now - phaseStart) / 1000).toFixed(1)} s)`);
  phaseStart = now;
}

const secret = () => randomBytes(32).toString("hex");
let models: ModelRuntime;
let s3: Awaited<ReturnType<typeof startLocalS3>>;
let scratch: string;
let lb: string;
let portalA: string;
let portalB: string;
const workers: { process: Managed; metricsPort: number }[] = [];
let workerEnv: (name: string) => Record<string, string>;

beforeAll(async () => {
  if (!existsSync(path.resolve(import.meta.dirname, "../../.next/BUILD_ID")))
    throw new Error("The multi-instance test runs the production build: run `npx next build` first");
  console.log(`[cluster] seed ${seed} (CLUSTER_SEED=${seed} replays this run)`);
  scratch = await mkdtemp(path.join(os.tmpdir(), "modelport-cluster-"));
  [models, s3] = await Promise.all([startModelRuntime("modelport-cluster-models-"), startLocalS3("cluster-artifacts")]);
  const [lbPort, portA, portB] = [await freePort(), await freePort(), await freePort()];
  lb = `http://127.0.0.1:${lbPort}`;
  portalA = `http://127.0.0.1:${portA}`;
  portalB = `http://127.0.0.1:${portB}`;
  // What every instance shares: PostgreSQL, Redis (the queue prefix), object storage, the secrets. Nothing on disk:
  // each process gets a cache directory of its own.
  const shared = {
    DATABASE_URL: process.env.DATABASE_URL!,
    QUEUE_PREFIX: process.env.QUEUE_PREFIX!,
    NEXTAUTH_URL: lb,
    NEXTAUTH_SECRET: secret(),
    ARTIFACT_URL_SECRET: secret(),
    MODELPORT_DEV_LOGIN: "1",
    MODELPORT_LOCAL_DEMO: "1",
    MODELPORT_BIND_HOST: "127.0.0.1",
    ARTIFACT_STORE: "s3",
    ARTIFACT_S3_BUCKET: "cluster-artifacts",
    ARTIFACT_S3_ENDPOINT: s3.endpoint,
    ARTIFACT_S3_FORCE_PATH_STYLE: "1",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    RUNTIME_URL: models.runtime.baseUrl,
    RUNTIME_CONTROL_TOKEN: models.runtime.controlToken,
  };
  const own = (name: string) => ({
    ARTIFACT_ROOT: path.join(scratch, name, "artifacts"),
    ARTIFACT_CACHE_DIR: path.join(scratch, name, "artifact-cache"),
  });
  workerEnv = (name) => ({
    ...shared,
    ...own(name),
    // A crashed worker's deployment is taken over within seconds (the drills' values), and so is its leadership.
    WORKER_LOCK_DURATION_MS: "2000",
    WORKER_STALLED_INTERVAL_MS: "1000",
    DEPLOYMENT_LEASE_MS: "2000",
    WORKER_LEADER_LEASE_MS: "2000",
    WORKER_METRICS_PORT: "0",
  });
  phase("runtime, S3 server, ports");

  const portals = [startPortal("portal-a", portA, { ...shared, ...own("a") })];
  portals.push(startPortal("portal-b", portB, { ...shared, ...own("b") }));
  const started = ["worker-1", "worker-2", "worker-3"].map((name) => startWorker(name, workerEnv(name)));
  await Promise.all([
    waitForUrl(portals[0]!, `${portalA}/api/health`),
    waitForUrl(portals[1]!, `${portalB}/api/health`),
  ]);
  const haproxy = await startHaproxy(path.join(scratch, "haproxy.cfg"), lbPort, [
    { name: "a", port: portA },
    { name: "b", port: portB },
  ]);
  await waitForUrl(haproxy, `${lb}/api/health`);
  for (const process of started) workers.push({ process, metricsPort: await workerStarted(process) });
  phase("2 portals, HAProxy, 3 workers started");

  const team = await db().team.create({ data: { name: "cluster-team" } });
  await db().user.create({
    data: { email: EMAIL, name: "Cluster Scientist", role: "DATA_SCIENTIST", teamId: team.id, isDemo: true },
  });
}, 180_000);

afterAll(async () => {
  await stopAll();
  await Promise.all([models?.stop(), s3?.stop()]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
  console.log(`[cluster] timings:\n  ${timings.join("\n  ")}\n  total: ${((Date.now() - began) / 1000).toFixed(1)} s`);
});

/** Which portal answered each request through the balancer. */
const servedBy = (answers: Answer[]) => new Set(answers.map((a) => a.servedBy));

describe("two portals behind HAProxy, three workers, one SIGKILLed", () => {
  const browser = new Browser();
  let token = "";

  it("signs in through portal A and carries on through portal B, directly and through the balancer", async () => {
    try {
      const signIn = await browser.devSignIn(portalA, EMAIL);
      expect(signIn.status, JSON.stringify(signIn.body)).toBe(200);
      expect(browser.sessionCookie()).toBeTruthy();
      // The cookie portal A set is a session on portal B: nothing about it lives in A's memory.
      for (const base of [portalA, portalB]) {
        expect((await browser.session(base)).body).toMatchObject({ user: { email: EMAIL } });
        expect(trpcData<{ email: string }>(await browser.query(base, "session.me")).email).toBe(EMAIL);
      }
      const created = await browser.mutate(portalB, "admin.tokens.create", {
        name: "cluster pipeline",
        scopes: ["read", "runs:write", "models:write"],
        expiresInDays: 1,
      });
      token = trpcData<{ secret: string }>(created).secret;
      const throughBalancer = await Promise.all(Array.from({ length: 4 }, () => browser.query(lb, "session.me")));
      for (const answer of throughBalancer) expect(trpcData<{ email: string }>(answer).email).toBe(EMAIL);
      expect(servedBy(throughBalancer)).toEqual(new Set(["a", "b"]));
      phase("signed in through A, token made through B");
    } catch (error) {
      console.error(outputs());
      throw error;
    }
  });

  it("runs 20 promotions while a worker is SIGKILLed, each deployment running each step once with one outcome", async () => {
    try {
      const names = await registerVersions(token);
      phase(`${PROMOTIONS} versions registered through the balancer (artifacts in S3)`);

      const answers: Answer[] = [];
      const deploymentIds: string[] = [];
      const promotionsStarted = Date.now();
      const kill = killOneWorker();
      await Promise.all(
        names.map(async (modelName) => {
          for (let version = 1; version <= VERSIONS_PER_MODEL; version++) {
            const answer = await browser.mutate(lb, "deployments.requestPromotion", {
              modelName,
              version,
              environment: "STAGING",
              target: "LOCAL",
              strategy: STRATEGY,
              reason: "multi-instance test",
            });
            answers.push(answer);
            const { deploymentId } = trpcData<{ deploymentId: string | null }>(answer);
            if (!deploymentId) throw new Error(`Promotion of ${modelName} v${version} queued no deployment`);
            deploymentIds.push(deploymentId);
            await settled(deploymentId);
          }
        }),
      );
      const killed = await kill;
      phase(`${PROMOTIONS} promotions settled in ${((Date.now() - promotionsStarted) / 1000).toFixed(1)} s`);
      expect(servedBy(answers)).toEqual(new Set(["a", "b"]));
      expect(deploymentIds).toHaveLength(PROMOTIONS);

      const abandoned = await expectEachStepOnce(deploymentIds, killed.held);
      // A step the killed worker left running was closed as ABANDONED by the worker that took the deployment over.
      expect(abandoned).toBeGreaterThanOrEqual(killed.interrupted.length);
      await expectServing(names);
      await expectOneSchedulePerJob();
      await expectClusterGaugesOnce();
      phase("checked the database, the runtime, the schedules and the gauges");
      console.log(
        `[cluster] killed ${killed.name} after ${killed.afterMs} ms holding ${killed.held.length} deployment(s), ` +
          `in the middle of: ${killed.interrupted.join(", ") || "no step (between steps)"}; ` +
          `${abandoned} abandoned try(ies) taken over; all ${PROMOTIONS} deployments SUCCEEDED, each step once`,
      );
    } catch (error) {
      console.error(outputs());
      throw error;
    }
  });
});

/**
 * MODELS models, each with VERSIONS_PER_MODEL versions whose bytes all differ, registered as a pipeline would — one
 * after another: s3rver (the S3 stand-in) removes a folder that a delete leaves empty, so an upload writing its
 * temporary object under `tmp/` while another upload's temporary object is deleted can fail with ENOENT (a race of the
 * stand-in's files; S3 has no folders). The promotions, the part under test, still run all at once.
 */
async function registerVersions(token: string) {
  const api = rest(lb, token);
  const entries = ["fraud-gbt", "fraud-logreg"].map((name) => models.manifest.find((m) => m.name === name)!);
  const names: string[] = [];
  for (let m = 0; m < MODELS; m++) {
    const name = `cluster-model-${m + 1}`;
    await api("POST", "/models", { json: { name, team: "cluster-team", taskType: "CLASSIFICATION" } });
    for (let v = 0; v < VERSIONS_PER_MODEL; v++) {
      const entry = entries[v % 2]!;
      // A doc_string (ModelProto field 6, appended: the last occurrence wins) that onnxruntime ignores.
      const docString = Buffer.from(`${name} v${v + 1}`);
      const bytes = Buffer.concat([
        await readFile(path.join(models.modelDirectory, entry.file)),
        Buffer.from([0x32, docString.length]),
        docString,
      ]);
      const run = await api("POST", "/runs", { json: { experimentName: `${name}-training`, name: entry.name } });
      const runId = run.id as string;
      await api("POST", `/runs/${runId}/log`, {
        json: { metrics: Object.entries(entry.metrics).map(([key, value]) => ({ key, value, step: 0 })) },
      });
      await api("POST", `/runs/${runId}/artifacts?path=model.onnx`, { bytes });
      await api("POST", `/runs/${runId}/finish`, { json: { status: "FINISHED" } });
      const version = await api("POST", `/models/${name}/versions`, {
        json: { runId, artifactPath: "model.onnx", format: "ONNX", signature: entry.signature },
      });
      expect(version.version).toBe(v + 1);
    }
    names.push(name);
  }
  return names;
}

/** The worker process a deployment's lease owner (`host:pid:process-suffix:run-suffix`) names. */
const workerOf = (owner: string | null) => {
  const pid = /:(\d+):[0-9a-f]{8}:[0-9a-f]{8}$/.exec(owner ?? "")?.[1];
  return workers.find((w) => String(w.process.child.pid) === pid);
};

/** The deployments leased now, each with the step it is in the middle of (a try still RUNNING), if any. */
const leasedDeployments = () =>
  db().deployment.findMany({
    where: { leaseOwner: { not: null } },
    select: { id: true, leaseOwner: true, events: { where: { outcome: "RUNNING" }, select: { step: true } } },
  });

/** How long the kill waits for a worker caught in the middle of a step before any worker holding a deployment will do. */
const MID_STEP_PATIENCE_MS = 5_000;

/**
 * After a random delay, SIGKILLs a worker holding a deployment — one in the middle of a step when there is one —
 * chosen at random among them, and starts a replacement. Answers which worker died, the deployments it held and the
 * steps it left running.
 */
async function killOneWorker() {
  const start = Date.now();
  await sleep(300 + Math.floor(random() * 2500));
  const moment = Date.now();
  for (;;) {
    const leased = await leasedDeployments();
    const midStep = Date.now() - moment < MID_STEP_PATIENCE_MS;
    const candidates = leased.filter((d) => !midStep || d.events.length > 0);
    const holders = [...new Set(candidates.map((d) => workerOf(d.leaseOwner)))].filter(
      (w): w is (typeof workers)[number] => w !== undefined && isAlive(w.process),
    );
    if (holders.length > 0) {
      const victim = holders[Math.floor(random() * holders.length)]!;
      victim.process.child.kill("SIGKILL");
      await victim.process.exited;
      // What it held when it died: its leases stay in the database until they lapse (one may be newer than `leased`).
      const after = (await leasedDeployments()).filter((d) => workerOf(d.leaseOwner) === victim);
      const held = [
        ...new Set([...leased.filter((d) => workerOf(d.leaseOwner) === victim), ...after].map((d) => d.id)),
      ];
      const interrupted = after.flatMap((d) => d.events.map((e) => e.step));
      const afterMs = Date.now() - start;
      const replacement = startWorker("worker-4", workerEnv("worker-4"));
      workers.push({ process: replacement, metricsPort: await workerStarted(replacement) });
      return { name: victim.process.name, held, interrupted, afterMs };
    }
    if (Date.now() - start > 60_000) throw new Error("No worker held a deployment within 60 s");
    await sleep(20);
  }
}

async function settled(deploymentId: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { status } = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    if (["SUCCEEDED", "ROLLED_BACK", "FAILED", "AWAITING_DECISION"].includes(status)) return status;
    if (Date.now() > deadline) throw new Error(`Deployment ${deploymentId} still ${status} after 120 s`);
    await sleep(100);
  }
}

/**
 * Every deployment and its promotion ended once, SUCCEEDED, released; every planned step has exactly one SUCCEEDED
 * event and nothing else but ABANDONED tries (only where the killed worker held the deployment); each promotion moved
 * its alias once. Answers how many tries were abandoned.
 */
async function expectEachStepOnce(deploymentIds: string[], heldByVictim: string[]) {
  const deployments = await db().deployment.findMany({
    where: { id: { in: deploymentIds } },
    include: { promotion: true, events: { orderBy: { id: "asc" } } },
  });
  expect(deployments).toHaveLength(PROMOTIONS);
  let abandoned = 0;
  for (const deployment of deployments) {
    const label = `deployment ${deployment.id}`;
    expect([deployment.status, deployment.promotion.status], label).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect([deployment.leaseOwner, deployment.finishedAt !== null], label).toEqual([null, true]);
    const succeeded = deployment.events.filter((e) => e.outcome === "SUCCEEDED").map((e) => e.step);
    expect(succeeded, label).toEqual(PLANNED);
    const others = deployment.events.filter((e) => e.outcome !== "SUCCEEDED");
    for (const event of others) {
      expect(event.outcome, `${label} ${event.step}`).toBe("ABANDONED");
      expect(heldByVictim, `${label}: only the killed worker leaves tries behind`).toContain(deployment.id);
    }
    abandoned += others.length;
  }
  const moves = await db().aliasEvent.count({
    where: { alias: "staging", model: { name: { startsWith: "cluster-" } } },
  });
  expect(moves, "one alias move per promotion").toBe(PROMOTIONS);
  return abandoned;
}

/** The runtime serves each model's last version, alone, and staging points at it. */
async function expectServing(names: string[]) {
  for (const name of names) {
    const response = await fetch(`${models.runtime.baseUrl}/v1/control/endpoints/${name}-staging-local`, {
      headers: { authorization: `Bearer ${models.runtime.controlToken}` },
    });
    expect(response.status).toBe(200);
    const view = (await response.json()) as { variants: { variantName: string; weight: number }[] };
    expect(view.variants.map((v) => [v.variantName, v.weight])).toEqual([[`${name}-v${VERSIONS_PER_MODEL}`, 100]]);
    const alias = await db().modelAlias.findFirstOrThrow({
      where: { alias: "staging", model: { name } },
      include: { version: true },
    });
    expect(alias.version.version).toBe(VERSIONS_PER_MODEL);
  }
}

/** Four worker processes registered the schedules at start; each scheduled job still has exactly one. */
async function expectOneSchedulePerJob() {
  const byQueue = new Map<string, string[]>();
  for (const job of WORKER_JOBS)
    if (job.schedule) byQueue.set(job.queue, [...(byQueue.get(job.queue) ?? []), job.name]);
  expect(byQueue.size).toBeGreaterThan(0);
  for (const [queue, names] of byQueue) {
    const schedulers = await queueFor(queue).getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort(), queue).toEqual([...names].sort());
  }
}

/** Of the live workers, exactly one exports the gauges read from shared state (after the killed one's lease lapsed). */
async function expectClusterGaugesOnce() {
  const exporters = async () => {
    const live = workers.filter((w) => isAlive(w.process));
    const texts = await Promise.all(
      live.map(async (w) => (await fetch(`http://127.0.0.1:${w.metricsPort}/metrics`)).text()),
    );
    return texts.filter((text) => /^modelport_worker_queue_jobs\{/m.test(text)).length;
  };
  const deadline = Date.now() + 15_000;
  let count = await exporters();
  while (count !== 1 && Date.now() < deadline) {
    await sleep(250);
    count = await exporters();
  }
  expect(count, "worker processes exporting the queue gauges").toBe(1);
}
