import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { until } from "@/tests/integration/support/until";
import { spawnWorkerProcess, startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { keepPredicting, registerThroughApi, settled } from "@/tests/integration/deployments/real-models";

// The real worker process is SIGKILLed in the middle of a deployment; a new worker takes the job over after its lock
// lapses, resumes after the last finished step, and the endpoint is created exactly once.
let stack: ModelRuntime;
const workers: ChildProcess[] = [];

function startWorker() {
  const child = spawnWorkerProcess(stack.runtime, {
    env: { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000", DEPLOYMENT_LEASE_MS: "2000" },
    output: "ignore",
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  stack = await startModelRuntime("modelport-crash-models-");
}, 120_000);

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
  await stack?.stop();
});

describe("a worker killed mid-deployment", () => {
  it("is replaced by another that finishes the deployment with exactly one endpoint", async () => {
    const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
    const reviewer = await givenUser("REVIEWER");
    const name = `crash-${Date.now().toString(36)}`;
    await callApi("POST", "/models", {
      token: scientist.secret,
      json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
    });
    const version = await registerThroughApi(
      scientist.secret,
      name,
      stack.manifest.find((m) => m.name === "fraud-gbt")!,
      stack.modelDirectory,
    );

    const entry = stack.manifest.find((m) => m.name === "fraud-gbt")!;
    const row = Object.fromEntries(entry.signature.inputs.map((input, i) => [input.name, 10 + i]));
    const stopPredicting = keepPredicting(stack.runtime.baseUrl, `${name}-production-local`, row);
    const first = startWorker();
    const { promotion } = await requestPromotion(scientist.ctx, {
      modelName: name,
      version,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: { kind: "canary", canaryPercent: 20, bakeSeconds: 6 },
      reason: "crash drill",
    });
    const { deploymentId } = await decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: true });
    await until("the bake to start", () =>
      db().deploymentEvent.findFirst({ where: { deploymentId: deploymentId!, step: "bake:1", outcome: "RUNNING" } }),
    );
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    expect((await db().deployment.findUniqueOrThrow({ where: { id: deploymentId! } })).status).toBe("RUNNING");

    startWorker();
    const finished = await settled(deploymentId!);
    await stopPredicting();
    expect(finished.status).toBe("SUCCEEDED");
    const events = await db().deploymentEvent.findMany({
      where: { deploymentId: deploymentId! },
      orderBy: { id: "asc" },
    });
    expect(events.filter((e) => e.step === "apply-endpoint")).toHaveLength(1);
    expect(events.filter((e) => e.step === "bake:1").map((e) => [e.attempt, e.outcome])).toEqual([
      [1, "ABANDONED"],
      [2, "SUCCEEDED"],
    ]);
    const control = await fetch(`${stack.runtime.baseUrl}/v1/control/endpoints`, {
      headers: { authorization: `Bearer ${stack.runtime.controlToken}` },
    });
    const { endpoints } = (await control.json()) as { endpoints: { endpointName: string }[] };
    expect(endpoints.filter((e) => e.endpointName === `${name}-production-local`)).toHaveLength(1);
  }, 120_000);
});
