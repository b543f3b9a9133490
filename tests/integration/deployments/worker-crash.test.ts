import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeModels, type ManifestEntry } from "@/runtime/models/write-models";
import { db } from "@/server/db/client";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";
import { callApi, givenToken, givenUser } from "../fixtures";
import { startRuntime, temporaryDirectory, type RunningRuntime } from "../runtime/runtime-process";
import { registerThroughApi, settled } from "./real-models";

// The real worker process is SIGKILLed in the middle of a deployment; a new worker takes the job over after its lock
// lapses, resumes after the last finished step, and the endpoint is created exactly once.
const ROOT = path.resolve(import.meta.dirname, "../../..");
let runtime: RunningRuntime;
let manifest: ManifestEntry[];
let modelDirectory: Awaited<ReturnType<typeof temporaryDirectory>>;
const workers: ChildProcess[] = [];

function startWorker() {
  // `node --import tsx` keeps the worker in this one process, so SIGKILL hits the worker itself (the tsx CLI
  // would run it in a child process of its own).
  const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      RUNTIME_URL: runtime.baseUrl,
      RUNTIME_CONTROL_TOKEN: runtime.controlToken,
      WORKER_LOCK_DURATION_MS: "2000",
      WORKER_STALLED_INTERVAL_MS: "1000",
    },
    stdio: ["ignore", "ignore", "ignore"],
  });
  workers.push(child);
  return child;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  modelDirectory = await temporaryDirectory("modelport-crash-models-");
  ({ manifest } = await writeModels(modelDirectory.directory));
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
}, 120_000);

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
  await runtime?.stop();
  await modelDirectory?.remove();
});

describe("a worker killed mid-deployment", () => {
  it("is replaced by another that finishes the deployment with exactly one endpoint", async () => {
    const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
    const reviewer = await givenUser("REVIEWER");
    const name = `crash-${Date.now().toString(36)}`;
    await callApi("POST", "/models", { token: scientist.secret, json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" } });
    const version = await registerThroughApi(scientist.secret, name, manifest.find((m) => m.name === "fraud-gbt")!, modelDirectory.directory);

    const first = startWorker();
    const { promotion } = await requestPromotion(scientist.ctx, {
      modelName: name, version, environment: "PRODUCTION", target: "LOCAL", strategy: { kind: "canary", canaryPercent: 20, bakeSeconds: 6 }, reason: "crash drill",
    });
    const { deploymentId } = await decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: true });
    await until("the bake to start", () => db().deploymentEvent.findFirst({ where: { deploymentId: deploymentId!, step: "bake:1", outcome: "RUNNING" } }));
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    expect((await db().deployment.findUniqueOrThrow({ where: { id: deploymentId! } })).status).toBe("RUNNING");

    startWorker();
    const finished = await settled(deploymentId!);
    expect(finished.status).toBe("SUCCEEDED");
    const events = await db().deploymentEvent.findMany({ where: { deploymentId: deploymentId! }, orderBy: { id: "asc" } });
    expect(events.filter((e) => e.step === "apply-endpoint")).toHaveLength(1);
    expect(events.filter((e) => e.step === "bake:1").map((e) => [e.attempt, e.outcome])).toEqual([[1, "RUNNING"], [2, "SUCCEEDED"]]);
    const control = await fetch(`${runtime.baseUrl}/v1/control/endpoints`, { headers: { authorization: `Bearer ${runtime.controlToken}` } });
    const { endpoints } = (await control.json()) as { endpoints: { endpointName: string }[] };
    expect(endpoints.filter((e) => e.endpointName === `${name}-production-local`)).toHaveLength(1);
  }, 120_000);
});
