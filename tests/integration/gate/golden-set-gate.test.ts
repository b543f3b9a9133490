import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Worker } from "bullmq";
import { db } from "@/server/db/client";
import { systemContextFromEnv } from "@/server/context-from-env";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import { closeQueues } from "@/server/jobs/define-job";
import { gateEvaluationJob } from "@/server/jobs/gate-evaluation";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";
import { uploadGoldenSet } from "@/server/services/labels/golden-sets";
import { setGateRule } from "@/server/services/quality/gate/gate-rules";
import { runGateEvaluation } from "@/server/services/quality/gate/evaluate-gate";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";
import { env } from "@/server/env";
import { startWorkers } from "@/workers/start-workers";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import {
  finished,
  fraudSplit,
  goldenCsv,
  registerWithSample,
  setChampion,
} from "@/tests/integration/gate/gate-fixtures";
import path from "node:path";

// The golden-set gate end to end on real services: golden rows drawn from the fraud models' held-out data, the
// candidate and champion loaded into a scratch endpoint of the real local runtime by the BullMQ job, their real
// predictions compared with a paired bootstrap, and production promotions decided on the verdict.
let stack: ModelRuntime;
let workers: Worker[];

beforeAll(async () => {
  stack = await startModelRuntime("modelport-gate-models-");
  process.env.RUNTIME_URL = stack.runtime.baseUrl;
  process.env.RUNTIME_CONTROL_TOKEN = stack.runtime.controlToken;
  workers = startWorkers([gateEvaluationJob], systemContextFromEnv(), { concurrency: 1 });
}, 180_000);

afterAll(async () => {
  await Promise.all((workers ?? []).map((w) => w.close()));
  await closeQueues();
  await stack?.stop();
});

async function runtimeEndpoints() {
  const response = await fetch(`${stack.runtime.baseUrl}/v1/control/endpoints`, {
    headers: { authorization: `Bearer ${stack.runtime.controlToken}` },
  });
  return JSON.stringify(await response.json());
}

const RULE = { resamples: 1000, criteria: [{ metric: "f1" as const, class: "1", margin: 0.02 }] };

describe("golden-set gate on the real local runtime", () => {
  it("passes a better model, blocks a worse one, and lets only another approver override with a reason", async () => {
    const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
    const reviewer = await givenUser("REVIEWER");
    const name = `fraud-gate-${Date.now().toString(36)}`;
    await callApi("POST", "/models", {
      token: scientist.secret,
      json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
    });
    const gbt = stack.manifest.find((m) => m.name === "fraud-gbt")!;
    const logreg = stack.manifest.find((m) => m.name === "fraud-logreg")!;
    const v1 = await registerWithSample(scientist.secret, name, logreg, stack.modelDirectory);
    const v2 = await registerWithSample(scientist.secret, name, gbt, stack.modelDirectory);
    await setChampion(name, v1, scientist.user.id);

    // Without a golden set the gate says it is not configured (not a silent pass).
    const unconfigured = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: v2,
      environment: "PRODUCTION",
      target: "KUBERNETES",
      strategy: { kind: "all-at-once" },
      reason: "before any golden set",
    });
    expect(unconfigured.promotion.gates).toEqual([
      expect.objectContaining({
        gate: "golden-set",
        status: "NOT_CONFIGURED",
        detail: expect.stringContaining("no golden set"),
      }),
    ]);

    // Golden rows: the whole held-out test split, plus three rows of the training sample (the overlap check finds them).
    const split = fraudSplit();
    const testRows = Array.from({ length: split.test.size }, (_, i) => i);
    const csv = goldenCsv(split.test, testRows) + goldenCsv(split.train, [0, 1, 2]).split("\n").slice(1).join("\n");
    const uploaded = await uploadGoldenSet(scientist.ctx, {
      modelName: name,
      name: "fraud-holdout",
      content: csv,
      fileName: "holdout.csv",
    });
    expect(uploaded).toMatchObject({ version: 1, rowCount: split.test.size + 3 });
    expect(uploaded.overlap).toMatchObject({ count: 3, share: 3 / (split.test.size + 3), warn: false });
    await setGateRule(scientist.ctx, { modelName: name, rule: RULE });

    // The better candidate (gradient boosting) against the logistic-regression champion.
    const better = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: v2,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "gbt beats logreg",
    });
    const betterGate = better.promotion.gates as { gate: string; evaluationId?: string }[];
    const betterEvaluationId = betterGate.find((g) => g.gate === "golden-set")!.evaluationId!;
    const passed = await finished(betterEvaluationId);
    expect(passed.status).toBe("PASSED");
    expect(passed.warnings.join("\n")).toContain(
      `3 of ${split.test.size + 3} golden rows also appear in the candidate's training sample`,
    );
    const [f1] = passed.metrics as { candidate: number; champion: number; ciLower: number; ciUpper: number }[];
    expect(f1!.candidate).toBeGreaterThan(f1!.champion);
    expect(f1!.ciLower).toBeLessThan(f1!.ciUpper);
    expect(await runtimeEndpoints()).not.toContain(`gate-${betterEvaluationId}`);
    const approved = await decidePromotion(reviewer.ctx, { promotionId: better.promotion.id, approve: true });
    expect(approved.status).toBe("APPROVED");
    // Stand in for the deploy worker (tested elsewhere): the deployment finished and gbt is the champion now.
    await db().deployment.update({ where: { id: approved.deploymentId! }, data: { status: "SUCCEEDED" } });
    await setChampion(name, v2, scientist.user.id);

    // The worse candidate (back to logistic regression, v1) against the gbt champion is blocked.
    const worse = await requestPromotion(scientist.ctx, {
      modelName: name,
      version: v1,
      environment: "PRODUCTION",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "cheaper",
    });
    const worseEvaluationId = (worse.promotion.gates as { gate: string; evaluationId?: string }[]).find(
      (g) => g.gate === "golden-set",
    )!.evaluationId!;
    const failed = await finished(worseEvaluationId);
    expect(failed.status).toBe("FAILED");
    await expect(
      decidePromotion(reviewer.ctx, { promotionId: worse.promotion.id, approve: true }),
    ).rejects.toMatchObject({
      code: "UNPROCESSABLE",
    });
    await expect(
      decidePromotion(scientist.ctx, {
        promotionId: worse.promotion.id,
        approve: true,
        overrideGate: true,
        comment: "mine",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      decidePromotion(reviewer.ctx, { promotionId: worse.promotion.id, approve: true, overrideGate: true }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await db().approval.count({ where: { promotionId: worse.promotion.id } })).toBe(0);
    const overridden = await decidePromotion(reviewer.ctx, {
      promotionId: worse.promotion.id,
      approve: true,
      overrideGate: true,
      comment: "latency budget matters more this quarter",
    });
    expect(overridden.status).toBe("APPROVED");
    const approval = await db().approval.findFirstOrThrow({ where: { promotionId: worse.promotion.id } });
    expect(approval).toMatchObject({ overridesGate: true, approverId: reviewer.user.id });
    const audit = await db().auditLog.findFirstOrThrow({
      where: { action: "promotion.gate-override", entityId: worse.promotion.id },
    });
    expect(audit).toMatchObject({
      actorId: reviewer.user.id,
      after: expect.objectContaining({ reason: "latency budget matters more this quarter" }),
    });
  }, 300_000);

  it("tears the scratch endpoint down when a prediction fails and records the error", async () => {
    const evaluation = await db().gateEvaluation.findFirstOrThrow({ where: { status: "PASSED" } });
    const copy = await db().gateEvaluation.create({
      data: {
        key: `${evaluation.key}/retry`,
        modelId: evaluation.modelId,
        candidateVersionId: evaluation.candidateVersionId,
        championVersionId: evaluation.championVersionId,
        goldenSetId: evaluation.goldenSetId,
        goldenSetHash: evaluation.goldenSetHash,
        rule: evaluation.rule ?? {},
        seed: 1,
        requestedById: evaluation.requestedById,
      },
    });
    const system = systemContextFromEnv();
    // Control calls reach the real runtime; predictions go to a port where nothing listens.
    const nowhere = localRuntimeClient({ ...system.runtime.config, baseUrl: "http://127.0.0.1:9" });
    const broken = { ...system, runtime: { ...nowhere, control: system.runtime.control } };
    const store = new LocalArtifactStore(path.resolve(env().ARTIFACT_ROOT));
    await expect(runGateEvaluation(broken, copy.id, async (sha) => store.blobPath(sha))).rejects.toThrow();
    expect(await db().gateEvaluation.findUniqueOrThrow({ where: { id: copy.id } })).toMatchObject({
      status: "ERROR",
      error: expect.any(String),
    });
    expect(await runtimeEndpoints()).not.toContain(`gate-${copy.id}`);
    // A finished evaluation is left alone by a repeated job.
    expect(await runGateEvaluation(system, copy.id, async (sha) => store.blobPath(sha))).toBe("ERROR");
  }, 120_000);
});
