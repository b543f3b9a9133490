import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ManifestEntry } from "@/training/write-models";
import { db } from "@/server/db/client";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { startDeployStack, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { registerThroughApi, settled } from "@/tests/integration/deployments/real-models";
import { postJson } from "@/tests/integration/runtime/runtime-process";

// The whole path on real services: REST registration of a real ONNX model → promotion → approval → BullMQ job →
// the worker's state machine → the real local runtime serving predictions.
let stack: ModelRuntime;

beforeAll(async () => {
  stack = await startDeployStack("modelport-deploy-models-", { concurrency: 2 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const fraudRow = (entry: ManifestEntry) =>
  Object.fromEntries(entry.signature.inputs.map((input, i) => [input.name, 10 + i]));

describe("promote → approve → deploy on the local runtime", () => {
  it("serves predictions from the real ONNX model, and rolls back a canary that breaches its guardrail", async () => {
    const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
    const reviewer = await givenUser("REVIEWER");
    const name = `fraud-e2e-${Date.now().toString(36)}`;
    await callApi("POST", "/models", {
      token: scientist.secret,
      json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
    });
    const gbt = stack.manifest.find((m) => m.name === "fraud-gbt")!;
    const logreg = stack.manifest.find((m) => m.name === "fraud-logreg")!;
    const v1 = await registerThroughApi(scientist.secret, name, gbt, stack.modelDirectory);

    const first = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: v1,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "first release",
    });
    expect(first.deploymentId).toBeNull();
    const approved = await decidePromotion(reviewer.ctx, { promotionId: first.promotion.id, approve: true });
    const deployed = await settled(approved.deploymentId!);
    expect(deployed).toMatchObject({ status: "SUCCEEDED" });
    const endpoint = `${name}-production-local`;
    const answer = await postJson(`${stack.runtime.baseUrl}/v1/endpoints/${endpoint}/predict`, { row: fraudRow(gbt) });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ variant: `${name}-v1`, modelVersion: 1 });
    const bad = await postJson(`${stack.runtime.baseUrl}/v1/endpoints/${endpoint}/predict`, {
      row: { ...fraudRow(gbt), [gbt.signature.inputs[0]!.name]: "lots" },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain(gbt.signature.inputs[0]!.name);

    // A canary whose new variant fails every request is rolled back by its guardrail.
    const v2 = await registerThroughApi(scientist.secret, name, logreg, stack.modelDirectory);
    const second = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: v2,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: { kind: "canary", canaryPercent: 50, bakeSeconds: 8 },
      reason: "cheaper model",
    });
    const canary = await decidePromotion(reviewer.ctx, { promotionId: second.promotion.id, approve: true });
    let traffic = true;
    const load = (async () => {
      let faultSet = false;
      while (traffic) {
        if (!faultSet) {
          const fault = await fetch(
            `${stack.runtime.baseUrl}/v1/control/endpoints/${endpoint}/variants/${name}-v2/fault-injection`,
            {
              method: "PUT",
              headers: { authorization: `Bearer ${stack.runtime.controlToken}`, "content-type": "application/json" },
              body: JSON.stringify({ errorRate: 1 }),
            },
          );
          faultSet = fault.ok;
        }
        await Promise.all(
          Array.from({ length: 10 }, () =>
            postJson(`${stack.runtime.baseUrl}/v1/endpoints/${endpoint}/predict`, { row: fraudRow(gbt) }).catch(
              () => null,
            ),
          ),
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const rolledBack = await settled(canary.deploymentId!);
    traffic = false;
    await load;
    expect(rolledBack.status).toBe("ROLLED_BACK");
    expect(rolledBack.failureReason).toMatch(/Guardrail breached by .*-v2: error rate/);
    const alias = await db().modelAlias.findFirstOrThrow({
      where: { alias: "production", model: { name } },
      include: { version: true },
    });
    expect(alias.version.version).toBe(1);
    const state = await fetch(`${stack.runtime.baseUrl}/v1/control/endpoints/${endpoint}`, {
      headers: { authorization: `Bearer ${stack.runtime.controlToken}` },
    }).then((r) => r.json());
    expect(JSON.stringify(state)).not.toContain(`${name}-v2`);
    const after = await postJson(`${stack.runtime.baseUrl}/v1/endpoints/${endpoint}/predict`, { row: fraudRow(gbt) });
    expect(after.body).toMatchObject({ variant: `${name}-v1` });
  }, 120_000);
});
