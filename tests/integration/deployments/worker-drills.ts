import { plannedStepNames } from "@/server/services/deployments/deployment-views";
import type { ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, expect } from "vitest";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { requestPromotion } from "@/server/services/deployments/promotions";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { until } from "@/tests/integration/support/until";
import { spawnWorkerProcess, startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { registerThroughApi, settled } from "@/tests/integration/deployments/real-models";

/**
 * Process-level drills for deployments: real worker processes (workers/main.ts) that the test kills (SIGKILL) or
 * freezes (SIGSTOP) at a chosen step, the real local runtime, and two ways to catch a step in flight:
 * - a step gate: a trigger in the test's own database makes the write of a step's outcome wait on an advisory lock
 *   the test holds, so the worker is caught after the step's work is done and before its outcome is recorded;
 * - a control proxy between the worker and the runtime's control API that holds one request, so the worker is
 *   caught in the middle of a call to the runtime.
 */

/** Short enough that a takeover takes a few seconds; the values the process-level drills run the workers with. */
export const DRILL_WORKER_ENV = {
  WORKER_LOCK_DURATION_MS: "2000",
  WORKER_STALLED_INTERVAL_MS: "1000",
  DEPLOYMENT_LEASE_MS: "2000",
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: "1000",
  WORKER_METRICS_PORT: "0",
};

export type DrillWorker = { child: ChildProcess; output: () => string; exited: Promise<void> };

/** Worker processes pointed at `runtimeUrl` (the control proxy, usually); kills every one still running at the end. */
export function workerPool(runtime: () => { baseUrl: string; controlToken: string }) {
  const all: DrillWorker[] = [];
  const start = (): DrillWorker => {
    const child = spawnWorkerProcess(runtime(), {
      env: DRILL_WORKER_ENV,
      output: "pipe",
      preload: ["server/jobs/handlers/deploy.ts"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const worker = { child, output: () => output, exited };
    all.push(worker);
    return worker;
  };
  const alive = () => all.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  return {
    start,
    alive,
    /** Resolves once the worker has connected and scheduled its jobs. */
    ready: (worker: DrillWorker) =>
      until("the worker to start", async () => {
        if (worker.child.exitCode !== null) throw new Error(`The worker exited early:\n${worker.output()}`);
        return worker.output().includes("[worker] started");
      }),
    /** The worker process holding the deployment's lease (its owner names the process id). */
    holder: async (deploymentId: string) => {
      const row = await db().deployment.findUniqueOrThrow({
        where: { id: deploymentId },
        select: { leaseOwner: true },
      });
      const pid = Number(/:(\d+):[0-9a-f]{8}:[0-9a-f]{8}$/.exec(row.leaseOwner ?? "")?.[1]);
      const worker = all.find((w) => w.child.pid === pid);
      if (!worker) throw new Error(`No worker of this test holds ${deploymentId} (lease owner ${row.leaseOwner})`);
      return worker;
    },
    kill: async (worker: DrillWorker) => {
      worker.child.kill("SIGKILL");
      await worker.exited;
    },
    stopAll: async () => {
      for (const worker of all) {
        if (worker.child.signalCode === "SIGSTOP") worker.child.kill("SIGCONT");
        if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
      }
      await Promise.all(all.map((w) => w.exited));
    },
    outputs: () => all.map((w, i) => `--- worker ${i} (pid ${w.child.pid})\n${w.output()}`).join("\n"),
  };
}

const GATE_KEY = 727272;

type GateWrite = "outcome" | "checkpoint";

/**
 * Makes the write of a chosen step's outcome (RUNNING → anything) wait until the test opens the gate, by a trigger
 * that takes an advisory lock the test holds. The database is this test file's own.
 */
export async function stepGate() {
  const client = new pg.Client({ connectionString: env().DATABASE_URL });
  await client.connect();
  await client.query(`
    CREATE TABLE IF NOT EXISTS test_step_gate (step text PRIMARY KEY, write text NOT NULL);
    CREATE OR REPLACE FUNCTION test_step_gate() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_step_gate g WHERE g.step = NEW.step AND (
           (g.write = 'outcome' AND OLD.outcome = 'RUNNING' AND NEW.outcome <> 'RUNNING')
           OR (g.write = 'checkpoint' AND NEW.outcome = 'RUNNING' AND NEW.details IS DISTINCT FROM OLD.details))) THEN
        PERFORM pg_advisory_xact_lock_shared(${GATE_KEY});
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    DROP TRIGGER IF EXISTS test_step_gate ON "DeploymentEvent";
    CREATE TRIGGER test_step_gate BEFORE UPDATE ON "DeploymentEvent"
      FOR EACH ROW EXECUTE FUNCTION test_step_gate();`);
  return {
    /**
     * Closes the gate on `step`: the next write of its outcome waits, or of its checkpoint (a running try's saved
     * details, written in a transaction that holds the deployment's row locked, having renewed the lease first).
     */
    close: async (step: string, write: GateWrite = "outcome") => {
      await client.query(`SELECT pg_advisory_lock(${GATE_KEY})`);
      await client.query(`INSERT INTO test_step_gate (step, write) VALUES ($1, $2)`, [step, write]);
    },
    /** Resolves with the database session whose write is waiting at the gate. */
    waiting: () =>
      until("a step's outcome to wait at the gate", async () => {
        const { rows } = await client.query<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND NOT granted`,
          [GATE_KEY],
        );
        return rows[0]?.pid;
      }),
    /**
     * Ends the waiting write's session (its worker is dead: Postgres would otherwise finish the write once the gate
     * opens), then opens the gate.
     */
    discardAndOpen: async (sessionPid: number) => {
      await client.query(`DELETE FROM test_step_gate`);
      await client.query(`SELECT pg_terminate_backend($1)`, [sessionPid]);
      await until("the waiting session to end", async () => {
        const { rows } = await client.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [sessionPid]);
        return rows.length === 0;
      });
      await client.query(`SELECT pg_advisory_unlock(${GATE_KEY})`);
    },
    /** Lets the waiting write go on (its session stays as its worker left it). */
    open: async () => {
      await client.query(`DELETE FROM test_step_gate`);
      await client.query(`SELECT pg_advisory_unlock(${GATE_KEY})`);
    },
    /** The state of a database session: "idle in transaction" while its client holds a transaction open. */
    sessionState: async (sessionPid: number) => {
      const { rows } = await client.query<{ state: string }>(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [
        sessionPid,
      ]);
      return rows[0]?.state ?? null;
    },
    end: () => client.end(),
  };
}

type HeldRequest = { method: string; path: string; drop: () => void };
type Hold = { matches: (method: string, path: string) => Promise<boolean>; resolve: (held: HeldRequest) => void };

/**
 * An HTTP proxy in front of the runtime (the worker's RUNTIME_URL). `hold` catches the next request that `matches`
 * accepts and keeps it from the runtime; `drop` then cuts its connection, so the call never reached the runtime.
 */
export async function controlProxy(runtimeUrl: string) {
  const upstream = new URL(runtimeUrl);
  const holds: Hold[] = [];
  const forward = (request: IncomingMessage, body: Buffer, response: ServerResponse) => {
    const proxied = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: upstream.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    proxied.on("error", () => response.destroy());
    proxied.end(body);
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const method = request.method ?? "GET";
      const path = request.url ?? "/";
      void (async () => {
        for (const hold of holds) {
          if (await hold.matches(method, path)) {
            holds.splice(holds.indexOf(hold), 1);
            hold.resolve({ method, path, drop: () => request.socket.destroy() });
            return;
          }
        }
        forward(request, Buffer.concat(chunks), response);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: (matches: Hold["matches"]) => new Promise<HeldRequest>((resolve) => holds.push({ matches, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The latest event of the endpoint's latest deployment: which step is in flight. */
export async function stepInFlight(endpointName: string) {
  return db().deploymentEvent.findFirst({
    where: { deployment: { endpoint: { name: endpointName } } },
    orderBy: { id: "desc" },
    select: { step: true, outcome: true, deploymentId: true },
  });
}

/**
 * One model on one staging endpoint of the local runtime, with a stock of registered versions: each drill canaries
 * the next version over whatever serves now, so drills share the endpoint instead of setting up their own.
 */
export async function drillModel(stack: ModelRuntime, prefix: string, versions: number) {
  const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
  const name = `${prefix}-${Date.now().toString(36)}`;
  await callApi("POST", "/models", {
    token: scientist.secret,
    json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
  });
  const entries = ["fraud-gbt", "fraud-logreg"].map((built) => stack.manifest.find((m) => m.name === built)!);
  const registered: number[] = [];
  for (let i = 0; i < versions; i++) {
    // A version's bytes must differ from every other version's: the copy gets its own doc_string (ModelProto field
    // 6, appended: the last occurrence of a protobuf field wins), which onnxruntime ignores.
    const entry = entries[i % 2]!;
    const docString = Buffer.from(`${name} drill copy ${i}`);
    const bytes = Buffer.concat([
      await readFile(path.join(stack.modelDirectory, entry.file)),
      Buffer.from([0x32, docString.length]),
      docString,
    ]);
    const file = `${entry.name}-drill-${name}-${i}.onnx`;
    await writeFile(path.join(stack.modelDirectory, file), bytes);
    registered.push(await registerThroughApi(scientist.secret, name, { ...entry, file }, stack.modelDirectory));
  }
  const row = Object.fromEntries(entries[0]!.signature.inputs.map((input, i) => [input.name, 10 + i]));
  const endpointName = `${name}-staging-local`;
  return {
    name,
    endpointName,
    row,
    variantOf: (version: number) => `${name}-v${version}`,
    nextVersion: () => {
      const version = registered.shift();
      if (version === undefined) throw new Error("No registered version left");
      return version;
    },
    promote: async (version: number, strategy: Parameters<typeof requestPromotion>[1]["strategy"]) => {
      const { deploymentId } = await requestPromotion(scientist.ctx, {
        modelName: name,
        version,
        environment: "STAGING",
        target: "LOCAL",
        strategy,
        reason: "worker drill",
      });
      return deploymentId!;
    },
  };
}

/**
 * Clients predicting on an endpoint until stopped (two at once, about 60 requests a second in all, so that a
 * one-second canary bake at 50% sees enough requests), counting every answer by status.
 */
export function predictors(runtimeUrl: string, endpointName: string, row: Record<string, number>, clients = 2) {
  let running = true;
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  const loops = Array.from({ length: clients }, async () => {
    while (running) {
      const answer = await fetch(`${runtimeUrl}/v1/endpoints/${endpointName}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ row }),
      }).then(
        async (response) => ({ status: response.status, text: await response.text() }),
        (error: unknown) => ({ status: 0, text: String(error) }),
      );
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      if (answer.status !== 200 && failures.length < 5) failures.push(`${answer.status}: ${answer.text}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return { statuses: Object.fromEntries(statuses), failures };
    },
  };
}

/** The variants and weights the runtime itself serves on the endpoint (asked directly, not through a proxy). */
export async function servedByRuntime(runtime: { baseUrl: string; controlToken: string }, endpointName: string) {
  const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/${endpointName}`, {
    headers: { authorization: `Bearer ${runtime.controlToken}` },
  });
  expect(response.status).toBe(200);
  const view = (await response.json()) as { variants: { variantName: string; weight: number }[] };
  return Object.fromEntries(view.variants.map((v) => [v.variantName, v.weight]));
}

/** Each step's outcomes in order, e.g. { "bake:1": ["ABANDONED", "SUCCEEDED"], ... }. */
export async function outcomesByStep(deploymentId: string) {
  const events = await db().deploymentEvent.findMany({ where: { deploymentId }, orderBy: { id: "asc" } });
  const byStep: Record<string, string[]> = {};
  for (const event of events) (byStep[event.step] ??= []).push(event.outcome);
  return byStep;
}

export { settled };

/** A one-second bake at 50%: the predictors send it enough requests; too few would roll back, never pass silently. */
export const DRILL_CANARY = { kind: "canary", canaryPercent: 50, bakeSeconds: 1, tooFewRequests: "roll-back" } as const;
export const ROLLOUT_STEPS = plannedStepNames(DRILL_CANARY);

/**
 * What a drill file shares: the real runtime behind a control proxy, the step gate, two worker processes, and one
 * model whose first version already serves on the staging endpoint. Call in the file's top level; hooks included.
 */
export function killDrills(prefix: string, drills: number) {
  let stack: ModelRuntime;
  let proxy: Awaited<ReturnType<typeof controlProxy>>;
  let gate: Awaited<ReturnType<typeof stepGate>>;
  let model: Awaited<ReturnType<typeof drillModel>>;
  let serving = 0;
  const workers = workerPool(() => ({ baseUrl: proxy.baseUrl, controlToken: stack.runtime.controlToken }));

  beforeAll(async () => {
    stack = await startModelRuntime(`modelport-${prefix}-models-`);
    proxy = await controlProxy(stack.runtime.baseUrl);
    gate = await stepGate();
    model = await drillModel(stack, prefix, drills + 1);
    await Promise.all([workers.start(), workers.start()].map(workers.ready));
    serving = model.nextVersion();
    expect(await settled(await model.promote(serving, { kind: "all-at-once" }))).toMatchObject({ status: "SUCCEEDED" });
  }, 120_000);

  afterAll(async () => {
    await workers.stopAll();
    await gate?.end();
    await proxy?.close();
    await stack?.stop();
  });

  /** Once the other worker has taken `step` over (the dead worker's try is ABANDONED), a new worker joins. */
  async function replaceAfterTakeover(deploymentId: string, step: string) {
    await until("the other worker to take the step over", () =>
      db().deploymentEvent.findFirst({ where: { deploymentId, step, outcome: "ABANDONED" } }),
    );
    workers.start();
  }

  async function expectInFlight(deploymentId: string, step: string) {
    const latest = await db().deploymentEvent.findFirst({ where: { deploymentId }, orderBy: { id: "desc" } });
    expect([latest?.step, latest?.outcome], `${step} is in flight`).toEqual([step, "RUNNING"]);
  }

  return {
    stack: () => stack,
    model: () => model,
    workers,
    /** Starts the next drill: a canary of the next version, with clients predicting throughout. */
    canary: async (options: { breaking: boolean; bakeSeconds?: number }) => {
      // A replacement still starting joins when it is ready; the other worker is there meanwhile.
      const candidate = model.nextVersion();
      const traffic = predictors(stack.runtime.baseUrl, model.endpointName, model.row);
      const deploymentId = await model.promote(candidate, {
        ...DRILL_CANARY,
        bakeSeconds: options.bakeSeconds ?? DRILL_CANARY.bakeSeconds,
      });
      if (options.breaking) await breakVariant(model.endpointName, model.variantOf(candidate));
      return { candidate, deploymentId, traffic };
    },
    /** Closes the gate on `step`: the next write of its outcome waits (arm it before the deployment starts). */
    gateAt: (step: string, write?: GateWrite) => gate.close(step, write),
    /**
     * SIGSTOPs the worker holding the deployment while its write at the gate (armed on `step`) holds the deployment's
     * row locked, then lets the write finish: the frozen worker's transaction stays open, idle, until PostgreSQL ends it.
     */
    freezeInTransaction: async (deploymentId: string, step: string) => {
      const session = await gate.waiting();
      await expectInFlight(deploymentId, step);
      const frozen = await workers.holder(deploymentId);
      frozen.child.kill("SIGSTOP");
      await gate.open();
      await until("the frozen worker's transaction to sit idle", async () => {
        const state = await gate.sessionState(session);
        return state === "idle in transaction" || state === null;
      });
      return frozen;
    },
    /** SIGKILLs the worker holding the deployment once `step`'s outcome waits at the gate (its work is done). */
    killAtGate: async (deploymentId: string, step: string) => {
      const session = await gate.waiting();
      await expectInFlight(deploymentId, step);
      await workers.kill(await workers.holder(deploymentId));
      await gate.discardAndOpen(session);
      await replaceAfterTakeover(deploymentId, step);
    },
    /** Holds the next control request `method` on the endpoint made while `step` runs (arm it before the deployment). */
    holdCall: (step: string, method: string) => {
      const endpointPath = `/v1/control/endpoints/${model.endpointName}`;
      return proxy.hold(async (m, path) => {
        if (m !== method || (path !== endpointPath && !path.startsWith(`${endpointPath}/`))) return false;
        const current = await stepInFlight(model.endpointName);
        return current?.step === step && current.outcome === "RUNNING";
      });
    },
    /** SIGKILLs the worker holding the deployment while its held control request waits; the call never lands. */
    killMidCall: async (deploymentId: string, step: string, held: Promise<HeldRequest>) => {
      const request = await held;
      await expectInFlight(deploymentId, step);
      await workers.kill(await workers.holder(deploymentId));
      request.drop();
      await replaceAfterTakeover(deploymentId, step);
    },
    /** The deployment succeeded once: every step once (the killed one after an ABANDONED try), one variant, one alias move. */
    expectRolledOut: async (drill: Drill, killed: string) => {
      const finished = await settled(drill.deploymentId, workers.outputs);
      const answers = await drill.traffic.stop();
      expect(finished.status, `${finished.failureReason}\n${workers.outputs()}`).toBe("SUCCEEDED");
      expect(await outcomesByStep(drill.deploymentId)).toEqual(
        Object.fromEntries(ROLLOUT_STEPS.map((s) => [s, s === killed ? ["ABANDONED", "SUCCEEDED"] : ["SUCCEEDED"]])),
      );
      const variant = model.variantOf(drill.candidate);
      expect(await servedByRuntime(stack.runtime, model.endpointName)).toEqual({ [variant]: 100 });
      expect(
        await db().endpointVariant.findMany({
          where: { endpoint: { name: model.endpointName } },
          select: { variantName: true, weight: true },
        }),
      ).toEqual([{ variantName: variant, weight: 100 }]);
      expect(await aliasMoves(model.name, drill.candidate)).toBe(1);
      // The endpoint answered every prediction throughout, whichever variant served it.
      expect(answers.failures).toEqual([]);
      serving = drill.candidate;
    },
    /** The breaching canary was rolled back once: the prior variant serves alone again and the alias did not move. */
    expectRolledBack: async (drill: Drill, outcomes: { bake: string[]; rollback: string[] }) => {
      const finished = await settled(drill.deploymentId, workers.outputs);
      await drill.traffic.stop();
      expect(finished.status, `${finished.failureReason}\n${workers.outputs()}`).toBe("ROLLED_BACK");
      expect(finished.failureReason).toMatch(/Guardrail breached .*error rate/);
      expect(await outcomesByStep(drill.deploymentId)).toEqual({
        ...Object.fromEntries(ROLLOUT_STEPS.slice(0, 5).map((s) => [s, ["SUCCEEDED"]])),
        "bake:1": outcomes.bake,
        rollback: outcomes.rollback,
      });
      expect(await servedByRuntime(stack.runtime, model.endpointName)).toEqual({ [model.variantOf(serving)]: 100 });
      expect(await aliasMoves(model.name, drill.candidate)).toBe(0);
    },
  };

  /** Makes the candidate fail every request it gets (runtime fault injection), as soon as it is on the endpoint. */
  async function breakVariant(endpointName: string, variantName: string) {
    await until(
      "the candidate to be on the endpoint",
      async () =>
        (
          await fetch(
            `${stack.runtime.baseUrl}/v1/control/endpoints/${endpointName}/variants/${variantName}/fault-injection`,
            {
              method: "PUT",
              headers: { authorization: `Bearer ${stack.runtime.controlToken}`, "content-type": "application/json" },
              body: JSON.stringify({ errorRate: 1 }),
            },
          )
        ).ok,
    );
  }
}

type Drill = { candidate: number; deploymentId: string; traffic: ReturnType<typeof predictors> };

const aliasMoves = (modelName: string, version: number) =>
  db().aliasEvent.count({ where: { alias: "staging", toVersion: { version, model: { name: modelName } } } });
