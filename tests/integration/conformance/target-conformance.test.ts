import { readFile, rm, writeFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { db } from "@/server/db/client";
import type { DeploymentTarget, EndpointSpec, RolloutStrategy } from "@/server/integrations/targets/deployment-target";
import { blobPathOf } from "@/tests/integration/conformance/local-blob";
import { decidePromotion, requestPromotion, rollBackEndpoint } from "@/server/services/deployments/promotions";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import { callApi, givenToken, givenUser } from "@/tests/integration/fixtures";
import { raceTwoApprovals } from "@/tests/integration/deployments/race-approvals";
import { harnessRuntime, type Invocation, type TargetHarness } from "@/tests/integration/conformance/target-harness";
import { kubernetesStandInHarness } from "@/tests/integration/conformance/kubernetes-harness";
import { localRuntimeHarness } from "@/tests/integration/conformance/local-runtime-harness";
import { sageMakerStandInHarness } from "@/tests/integration/conformance/sagemaker-harness";

// One list of scenarios, run against every deployment target. Invariants: a failed release never changes what serves
// (clients keep being answered by the old version, during and after); every deployment ends SUCCEEDED, ROLLED_BACK or
// FAILED; one deployment per endpoint; each step once however many workers run it.
const HARNESSES: TargetHarness[] = [localRuntimeHarness(), sageMakerStandInHarness(), kubernetesStandInHarness()];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends requests through the endpoint until stopped, keeping every answer. */
function trafficOn(harness: TargetHarness, endpointName: string) {
  const answers: Invocation[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const batch = await Promise.all(
        Array.from({ length: 4 }, () =>
          harness.invoke(endpointName).catch((): Invocation => ({ ok: false, version: null })),
        ),
      );
      answers.push(...batch);
      await sleep(20);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return answers;
    },
  };
}

/** Wraps a target so a test can make it refuse some applies, and counts every change it is asked to make. */
function recording(target: DeploymentTarget, refuse: (spec: EndpointSpec) => Error | null = () => null) {
  const calls: string[] = [];
  const wrapped: DeploymentTarget = Object.create(target);
  wrapped.apply = async (spec, options) => {
    const refusal = refuse(spec);
    if (refusal) throw refusal;
    calls.push(`apply ${spec.variants.map((v) => `${v.variantName}=${v.weight}`).join(",")}`);
    return target.apply(spec, options);
  };
  wrapped.setWeights = async (name, weights) => {
    calls.push(`weights ${JSON.stringify(weights)}`);
    return target.setWeights(name, weights);
  };
  return { target: wrapped, calls };
}

describe.each(HARNESSES)("deployment target conformance: $name", (harness) => {
  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.stop());
  afterEach(() => harness.reset());
  const stepwise = () => harness.target().trafficShifting === "stepwise";

  const runtimeFor = (owner = "conformance-worker", target: () => DeploymentTarget = harness.target) =>
    harnessRuntime(harness, owner, target);

  /** A model with `versions` registered versions, the first one serving production at 100%. */
  async function givenServingModel(versions = 2) {
    const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
    const reviewer = await givenUser("REVIEWER");
    const name = `conf-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    const created = await callApi("POST", "/models", {
      token: scientist.secret,
      json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
    });
    expect(created.status).toBe(201);
    for (let i = 0; i < versions; i++) await harness.registerVersion(scientist.secret, name);
    const approve = async (version: number, strategy: RolloutStrategy) => {
      const { promotion } = await requestPromotion(scientist.ctx, {
        modelName: name,
        version,
        environment: "PRODUCTION",
        target: harness.kind,
        strategy,
        reason: `conformance v${version}`,
      });
      const { deploymentId } = await decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: true });
      return deploymentId!;
    };
    const deploy = async (version: number, strategy: RolloutStrategy, runtime = runtimeFor()) =>
      runDeployment(db(), await approve(version, strategy), runtime);
    const first = await approve(1, { kind: "all-at-once" });
    await runDeployment(db(), first, runtimeFor());
    expect(await db().deployment.findUniqueOrThrow({ where: { id: first } })).toMatchObject({
      status: "SUCCEEDED",
      failureReason: null,
    });
    const endpoint = await db().endpoint.findFirstOrThrow({ where: { modelId: created.json.id as string } });
    return { scientist, reviewer, name, endpoint, approve, deploy };
  }

  const recordedVariants = async (endpointId: string) =>
    (await db().endpointVariant.findMany({ where: { endpointId }, orderBy: { variantName: "asc" } })).map((v) => ({
      variantName: v.variantName,
      versionId: v.versionId,
      weight: v.weight,
      instanceType: v.instanceType,
      instanceCount: v.instanceCount,
    }));

  const variantOf = (name: string, version: number) => harness.target().variantName(name, version);

  it("serves a first deployment, then replaces it all at once", async () => {
    const { name, endpoint, deploy } = await givenServingModel();
    expect(await harness.served(endpoint.name)).toEqual({ [variantOf(name, 1)]: 100 });
    expect(await harness.invoke(endpoint.name)).toEqual({ ok: true, version: 1 });
    expect(await deploy(2, { kind: "all-at-once" })).toBe("SUCCEEDED");
    expect(await harness.served(endpoint.name)).toEqual({ [variantOf(name, 2)]: 100 });
    expect(await harness.invoke(endpoint.name)).toEqual({ ok: true, version: 2 });
  }, 60_000);

  it("runs a canary that passes its bake to 100%, answering every request on the way", async () => {
    const { name, endpoint, approve } = await givenServingModel();
    const traffic = trafficOn(harness, endpoint.name);
    const deploymentId = await approve(2, { kind: "canary", canaryPercent: 50, bakeSeconds: 2 });
    const outcome = await runDeployment(db(), deploymentId, runtimeFor());
    const answers = await traffic.stop();
    expect(outcome).toBe("SUCCEEDED");
    // The portal judged the candidate on the target's own readings (runtime metrics, Prometheus, CloudWatch).
    const bake = await db().deploymentEvent.findFirstOrThrow({
      where: { deploymentId, step: "bake:1", outcome: "SUCCEEDED" },
    });
    expect(bake.details).toMatchObject({ requests: expect.any(Number) });
    expect((bake.details as { requests: number }).requests).toBeGreaterThanOrEqual(10);
    expect(answers.every((a) => a.ok)).toBe(true);
    // A native blue/green shift happens inside the target; a stepwise one is seen by clients as it goes.
    if (stepwise()) expect(new Set(answers.map((a) => a.version))).toEqual(new Set([1, 2]));
    expect(await harness.invoke(endpoint.name)).toEqual({ ok: true, version: 2 });
    expect(await harness.served(endpoint.name)).toEqual({ [variantOf(name, 2)]: 100 });
  }, 60_000);

  it.runIf(harness.failVersion !== undefined)(
    "rolls back a release the target completed when the portal's own reading of it breaches",
    async () => {
      const { endpoint, approve } = await givenServingModel();
      const before = { served: await harness.served(endpoint.name), rows: await recordedVariants(endpoint.id) };
      harness.failVersion?.(2);
      const traffic = trafficOn(harness, endpoint.name);
      const deploymentId = await approve(2, { kind: "canary", canaryPercent: 50, bakeSeconds: 1 });
      const outcome = await runDeployment(db(), deploymentId, runtimeFor());
      await traffic.stop();
      expect(outcome).toBe("ROLLED_BACK");
      const deployment = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
      expect(deployment.failureReason).toMatch(/Guardrail breached .*error rate/);
      expect(await harness.served(endpoint.name)).toEqual(before.served);
      expect(await recordedVariants(endpoint.id)).toEqual(before.rows);
      expect(await harness.invoke(endpoint.name)).toEqual({ ok: true, version: 1 });
    },
    60_000,
  );

  it("rolls a canary that breaches its guardrail back to exactly what served before", async () => {
    const { name, endpoint, approve } = await givenServingModel();
    const before = { served: await harness.served(endpoint.name), rows: await recordedVariants(endpoint.id) };
    const traffic = trafficOn(harness, endpoint.name);
    const deploymentId = await approve(2, { kind: "canary", canaryPercent: 50, bakeSeconds: 4 });
    const run = runDeployment(db(), deploymentId, runtimeFor());
    await harness.breakVariant(endpoint.name, variantOf(name, 2));
    const outcome = await run;
    await traffic.stop();
    expect(outcome).toBe("ROLLED_BACK");
    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(deployment.failureReason).toMatch(harness.breachReason);
    expect(await harness.served(endpoint.name)).toEqual(before.served);
    expect(await recordedVariants(endpoint.id)).toEqual(before.rows);
    expect(await harness.invoke(endpoint.name)).toEqual({ ok: true, version: 1 });
  }, 60_000);

  const artifactOf = async (name: string, version: number) =>
    (
      await db().modelVersion.findFirstOrThrow({
        where: { version, model: { name } },
        include: { artifact: true },
      })
    ).artifact!;

  /** Spoils version 2's stored bytes for one test; the original bytes are put back when the test ends. */
  const spoilVersion2 = async (name: string, spoil: (sha256: string) => Promise<() => Promise<void>>) => {
    const restore = await spoil((await artifactOf(name, 2)).sha256);
    onTestFinished(restore);
  };

  /** How each bad release ends: before anything is applied (FAILED), or refused by the target and undone. */
  const BAD_RELEASES: [string, "FAILED" | "ROLLED_BACK", (name: string) => Promise<void>][] = [
    [
      "an artifact whose bytes are gone",
      "FAILED",
      (name) =>
        spoilVersion2(name, async (sha256) => {
          const original = await readFile(blobPathOf(sha256));
          await rm(blobPathOf(sha256));
          return () => writeFile(blobPathOf(sha256), original);
        }),
    ],
    [
      "a version without a signature",
      "FAILED",
      async (name) => {
        await db().modelVersion.updateMany({ where: { version: 2, model: { name } }, data: { signature: {} } });
      },
    ],
    ["an artifact the target refuses to load", "ROLLED_BACK", (name) => spoilVersion2(name, harness.spoilArtifact)],
  ];

  it.each(BAD_RELEASES)(
    "keeps the old version answering every request, during and after, for %s",
    async (_, ending, spoil) => {
      const { name, endpoint, deploy } = await givenServingModel();
      await spoil(name);
      const before = { served: await harness.served(endpoint.name), rows: await recordedVariants(endpoint.id) };
      const traffic = trafficOn(harness, endpoint.name);
      const outcome = await deploy(2, { kind: "canary", canaryPercent: 50, bakeSeconds: 2 });
      const answers = await traffic.stop();
      expect(outcome).toBe(ending);
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.filter((a) => !a.ok || a.version !== 1)).toEqual([]);
      expect(await harness.served(endpoint.name)).toEqual(before.served);
      expect(await recordedVariants(endpoint.id)).toEqual(before.rows);
      expect(await harness.invoke(endpoint.name)).toEqual({ ok: true, version: 1 });
    },
    60_000,
  );

  it("ends FAILED, with the endpoint still serving, when the rollback itself is refused", async () => {
    const { name, endpoint, approve } = await givenServingModel();
    const refusing = recording(harness.target(), (spec) =>
      spec.variants.length === 1 && spec.variants[0]!.version === 1
        ? Object.assign(new Error("the restore was refused"), { retryable: false })
        : null,
    );
    const deploymentId = await approve(2, { kind: "canary", canaryPercent: 50, bakeSeconds: 4 });
    const run = runDeployment(
      db(),
      deploymentId,
      runtimeFor("conformance-worker", () => refusing.target),
    );
    const traffic = trafficOn(harness, endpoint.name);
    await harness.breakVariant(endpoint.name, variantOf(name, 2));
    expect(await run).toBe("FAILED");
    await traffic.stop();
    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(deployment.failureReason).toMatch(harness.breachReason);
    expect(deployment.failureReason).toMatch(/Rolling back failed too: the restore was refused/);
    // The endpoint still serves v1 beside the broken candidate: at 50%, 64 requests miss it with odds of 2^-64.
    const answers = await Promise.all(Array.from({ length: 64 }, () => harness.invoke(endpoint.name)));
    expect(answers.some((a) => a.ok && a.version === 1)).toBe(true);
  }, 60_000);

  it("starts one deployment when two approvals race, and runs each step once when two workers race", async () => {
    const { scientist, reviewer, name, endpoint } = await givenServingModel();
    const manager = await givenUser("MANAGER");
    const { decisions: decided } = await raceTwoApprovals(scientist.ctx, [reviewer.ctx, manager.ctx], {
      modelName: name,
      version: 2,
      target: harness.kind,
      strategy: { kind: "canary", canaryPercent: 50, bakeSeconds: 1 },
    });
    const started = decided.flatMap((d) => (d.status === "fulfilled" && d.value.deploymentId ? [d.value] : []));
    expect(started).toHaveLength(1);

    const a = recording(harness.target());
    const b = recording(harness.target());
    const traffic = trafficOn(harness, endpoint.name);
    const deploymentId = started[0]!.deploymentId!;
    const outcomes = await Promise.all([
      runDeployment(
        db(),
        deploymentId,
        runtimeFor("worker-a", () => a.target),
      ),
      runDeployment(
        db(),
        deploymentId,
        runtimeFor("worker-b", () => b.target),
      ),
    ]);
    await traffic.stop();
    expect(outcomes).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(Math.min(a.calls.length, b.calls.length)).toBe(0);
    expect(Math.max(a.calls.length, b.calls.length)).toBe(stepwise() ? 4 : 1);
    const events = await db().deploymentEvent.findMany({ where: { deploymentId } });
    expect(events.every((e) => e.attempt === 1 && e.outcome === "SUCCEEDED")).toBe(true);
    expect(await harness.served(endpoint.name)).toEqual({ [variantOf(name, 2)]: 100 });
  }, 60_000);

  it("rolls back a rollback: each one-click rollback puts the other version back", async () => {
    const { scientist, name, endpoint, deploy } = await givenServingModel();
    expect(await deploy(2, { kind: "all-at-once" })).toBe("SUCCEEDED");
    for (const expected of [1, 2]) {
      const rollback = await rollBackEndpoint(scientist.ctx, { endpointId: endpoint.id, reason: "conformance" });
      expect(rollback.version).toBe(expected);
      expect(await runDeployment(db(), rollback.deploymentId, runtimeFor())).toBe("SUCCEEDED");
      expect(await harness.served(endpoint.name)).toEqual({ [variantOf(name, expected)]: 100 });
      expect(await harness.invoke(endpoint.name)).toEqual({ ok: true, version: expected });
    }
  }, 60_000);
});
