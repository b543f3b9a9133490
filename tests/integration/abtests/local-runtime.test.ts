import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ManifestEntry } from "@/training/write-models";
import { db } from "@/server/db/client";
import { systemContextFromEnv } from "@/server/context-from-env";
import { deploymentRuntime } from "@/server/jobs/handlers/deployment-runtime";
import { startAbTest, stopAbTest } from "@/server/services/abtests/lifecycle";
import { createAbTest } from "@/server/services/abtests/setup";
import { runTrafficTransition } from "@/server/services/abtests/traffic/run-transition";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { startDeployStack, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { registerThroughApi, settled } from "@/tests/integration/deployments/real-models";
import { postJson } from "@/tests/integration/runtime/runtime-process";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";
import { watchAbTests } from "@/server/services/abtests/watch";

// A/B traffic on the real local runtime: real ONNX models, the runtime's own sticky routing and mirroring, moved by
// the same transition the abtest-traffic job runs.
let stack: ModelRuntime;
let prometheus: RunningPrometheus;

beforeAll(async () => {
  stack = await startDeployStack("modelport-abtest-models-", { concurrency: 1 });
  prometheus = await startPrometheus({ targets: [new URL(stack.runtime.baseUrl).host], scrapeIntervalSeconds: 1 });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await stack?.stop();
});

const rowOf = (entry: ManifestEntry, i = 0) =>
  Object.fromEntries(entry.signature.inputs.map((input, j) => [input.name, 10 + i + j]));

async function givenServedModel() {
  const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
  const reviewer = await givenUser("REVIEWER");
  const name = `ab-live-${Date.now().toString(36)}`;
  await callApi("POST", "/models", {
    token: scientist.secret,
    json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
  });
  const gbt = stack.manifest.find((m) => m.name === "fraud-gbt")!;
  const logreg = stack.manifest.find((m) => m.name === "fraud-logreg")!;
  await registerThroughApi(scientist.secret, name, gbt, stack.modelDirectory);
  await registerThroughApi(scientist.secret, name, logreg, stack.modelDirectory);
  const { promotion } = await requestPromotion(scientist.ctx, {
    modelName: name,
    version: 1,
    environment: "PRODUCTION",
    target: "LOCAL",
    strategy: { kind: "all-at-once" },
    reason: "champion",
  });
  const approved = await decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: true });
  expect(await settled(approved.deploymentId!)).toMatchObject({ status: "SUCCEEDED" });
  return { scientist, name, gbt, endpoint: `${name}-production-local` };
}

const moveTraffic = (testId: string) => runTrafficTransition(db(), testId, deploymentRuntime(systemContextFromEnv()));

async function runtimeView(endpoint: string) {
  const response = await fetch(`${stack.runtime.baseUrl}/v1/control/endpoints/${endpoint}`, {
    headers: { authorization: `Bearer ${stack.runtime.controlToken}` },
  });
  return (await response.json()) as {
    routing?: { salt: string };
    variants: Array<{ variantName: string; weight: number; shadow?: boolean }>;
  };
}

async function predictAs(endpoint: string, row: Record<string, number>, routingKey?: string) {
  const answer = await postJson(
    `${stack.runtime.baseUrl}/v1/endpoints/${endpoint}/predict`,
    { row },
    routingKey ? { "x-routing-key": routingKey } : {},
  );
  expect(answer.status).toBe(200);
  return (answer.body as { variant: string }).variant;
}

describe("A/B traffic on the local runtime", () => {
  it("shadow mode mirrors, a sticky split keeps each caller on one arm with the test's salt, stopping restores the champion", async () => {
    const { scientist, name, gbt, endpoint } = await givenServedModel();
    const [v1, v2] = [`${name}-v1`, `${name}-v2`];
    const test = await createAbTest(scientist.ctx, {
      endpointName: endpoint,
      name: "gbt vs logreg",
      assignment: "STICKY",
      championWeight: 50,
      challengers: [{ version: 2, weight: 50 }],
      preRegistration: { primaryMetric: "accuracy", mde: 0.05, baseline: 0.8 },
    });

    await startAbTest(scientist.ctx, { testId: test.id, mode: "SHADOW" });
    expect(await moveTraffic(test.id)).toBe("SETTLED");
    const shadowView = await runtimeView(endpoint);
    expect(shadowView.variants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ variantName: v1, weight: 100 }),
        expect.objectContaining({ variantName: v2, weight: 0, shadow: true }),
      ]),
    );
    for (let i = 0; i < 10; i++) expect(await predictAs(endpoint, rowOf(gbt, i), `caller-${i}`)).toBe(v1);

    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    expect(await moveTraffic(test.id)).toBe("SETTLED");
    const running = await runtimeView(endpoint);
    expect(running.routing?.salt).toBe((await db().abTest.findUniqueOrThrow({ where: { id: test.id } })).salt);
    expect(running.variants.map((v) => [v.variantName, v.weight, v.shadow ?? false]).sort()).toEqual([
      [v1, 50, false],
      [v2, 50, false],
    ]);
    // Each caller stays on its arm across requests; callers split about evenly between the arms.
    const armOf = new Map<string, string>();
    for (let caller = 0; caller < 200; caller++)
      armOf.set(`caller-${caller}`, await predictAs(endpoint, rowOf(gbt), `caller-${caller}`));
    for (let caller = 0; caller < 200; caller += 10)
      for (let again = 0; again < 3; again++)
        expect(await predictAs(endpoint, rowOf(gbt, again), `caller-${caller}`)).toBe(armOf.get(`caller-${caller}`));
    const onChallenger = [...armOf.values()].filter((variant) => variant === v2).length;
    expect(onChallenger).toBeGreaterThan(70);
    expect(onChallenger).toBeLessThan(130);

    await stopAbTest(scientist.ctx, { testId: test.id, reason: "enough" });
    expect(await moveTraffic(test.id)).toBe("SETTLED");
    const after = await runtimeView(endpoint);
    expect(after.variants.map((v) => v.variantName)).toEqual([v1]);
    expect(after.routing).toBeUndefined();
    for (let caller = 0; caller < 20; caller++)
      expect(await predictAs(endpoint, rowOf(gbt), `caller-${caller}`)).toBe(v1);
  }, 120_000);

  it("a challenger with injected errors is taken off traffic by the watch, from the runtime's series in Prometheus", async () => {
    const { scientist, name, gbt, endpoint } = await givenServedModel();
    const [v1, v2] = [`${name}-v1`, `${name}-v2`];
    const test = await createAbTest(scientist.ctx, {
      endpointName: endpoint,
      name: "faulty challenger",
      championWeight: 50,
      challengers: [{ version: 2, weight: 50 }],
      preRegistration: { primaryMetric: "accuracy", mde: 0.05, baseline: 0.8 },
    });
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    expect(await moveTraffic(test.id)).toBe("SETTLED");
    const fault = await fetch(
      `${stack.runtime.baseUrl}/v1/control/endpoints/${endpoint}/variants/${v2}/fault-injection`,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${stack.runtime.controlToken}`, "content-type": "application/json" },
        body: JSON.stringify({ errorRate: 1 }),
      },
    );
    expect(fault.ok).toBe(true);
    // Steady traffic over a few scrapes, as callers send it (a counter's first scrape is not an increase).
    let errors = 0;
    for (let wave = 0; wave < 5; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          postJson(
            `${stack.runtime.baseUrl}/v1/endpoints/${endpoint}/predict`,
            { row: rowOf(gbt, i) },
            {
              "x-routing-key": `k${wave}-${i}`,
            },
          ),
        ),
      );
      errors += answers.filter((a) => a.status >= 500).length;
      await prometheus.waitForScrape();
    }
    expect(errors).toBeGreaterThan(100);

    const context = { ...systemContextFromEnv(), prometheus: prometheus.client };
    const watched = await watchAbTests(context);
    expect(watched.failed).toEqual([]);
    const looked = (await db().abTest.findUniqueOrThrow({ where: { id: test.id } })).analysis as {
      comparisons: Array<{
        metric: string;
        control: unknown;
        treatment: unknown;
        lower: number | null;
        note: string | null;
      }>;
    };
    expect(looked.comparisons.find((c) => c.metric === "error_rate")).toMatchObject({ lower: expect.any(Number) });
    expect(watched.stopped).toEqual([v2]);
    const analysis = (await db().abTest.findUniqueOrThrow({ where: { id: test.id } })).analysis as {
      harm: Array<{ variantName: string; metric: string }>;
    };
    expect(analysis.harm).toEqual([expect.objectContaining({ variantName: v2, metric: "error_rate" })]);
    // Its only challenger harmful, the test stops by itself: the champion serves alone again.
    expect(await moveTraffic(test.id)).toBe("SETTLED");
    expect(await db().abTest.findUniqueOrThrow({ where: { id: test.id } })).toMatchObject({
      status: "STOPPED",
      stopReason: "Every challenger was stopped automatically by a guardrail",
    });
    const view = await runtimeView(endpoint);
    expect(view.variants.map((v) => [v.variantName, v.weight])).toEqual([[v1, 100]]);
    for (let i = 0; i < 20; i++) expect(await predictAs(endpoint, rowOf(gbt, i), `k${i}`)).toBe(v1);
    expect(await db().alert.count({ where: { kind: "AB_TEST_HARM", endpoint: { name: endpoint } } })).toBe(1);
    // The next watch gives the ended test its last look and stops nothing more.
    expect((await watchAbTests(context)).stopped).toEqual([]);
  }, 120_000);
});
