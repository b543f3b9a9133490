import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createAbTest } from "@/server/services/abtests/setup";
import { givenPlannedTest, plan, recordedVariants, testRow } from "@/tests/integration/abtests/traffic-fixtures";
import { startAbTest, stopAbTest } from "@/server/services/abtests/lifecycle";
import { stopHarmfulChallengers } from "@/server/services/abtests/harm-stop";
import { runTrafficTransition } from "@/server/services/abtests/traffic/run-transition";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import { DeploymentFailure } from "@/server/services/deployments/deployment-steps";
import {
  approvedProduction,
  givenModelWithVersions,
  resetWorld,
  runtime,
  world,
} from "@/tests/integration/deployments/state-machine-fixtures";

// The A/B traffic state machine against the in-memory target (the targets' own protocols have their own tests; the
// local runtime's is exercised end to end in abtests/local-runtime.test.ts).
beforeEach(() => resetWorld());

const FIRST_TRY = { lastAttempt: false };

describe("A/B test traffic", () => {
  it("starts: the challenger is added with the champion answering everything, then the plan's split is set", async () => {
    const { scientist, test, endpointName, v1, v2 } = await givenPlannedTest();
    const started = await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    expect(started).toMatchObject({ status: "PLANNED", pendingStatus: "RUNNING" });
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(world.target.calls).toEqual([`apply ${v1}=100,${v2}=0`, `weights ${v1}=70,${v2}=30`]);
    expect(world.target.salts.get(endpointName)).toBe((await testRow(test.id)).salt);
    expect(await testRow(test.id)).toMatchObject({ status: "RUNNING", pendingStatus: null, transitionError: null });
    expect((await testRow(test.id)).startedAt).not.toBeNull();
    expect(await recordedVariants(endpointName)).toEqual([`${v1}=70`, `${v2}=30`]);

    // A repeated job finds nothing to do and calls nothing.
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("NOTHING_PENDING");
    expect(world.target.calls).toHaveLength(2);
  });

  it("a start resumed after a crash between the apply and the commit repeats no apply", async () => {
    const { scientist, test, v1, v2 } = await givenPlannedTest();
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    world.target.failNextSetWeights = new Error("worker killed");
    await expect(runTrafficTransition(db(), test.id, runtime(), FIRST_TRY)).rejects.toThrow("worker killed");
    expect(await testRow(test.id)).toMatchObject({ status: "PLANNED", pendingStatus: "RUNNING" });
    expect((await testRow(test.id)).transitionError).toContain("worker killed");
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(world.target.calls).toEqual([`apply ${v1}=100,${v2}=0`, `weights ${v1}=70,${v2}=30`]);
  });

  it("a start the target refuses falls back: the champion serves alone and the test says why", async () => {
    const { scientist, test, endpointName, v1 } = await givenPlannedTest();
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    world.target.refuseApply = (spec) =>
      spec.variants.length > 1
        ? new DeploymentFailure("ResourceLimitExceeded: no capacity for a second variant")
        : null;
    expect(await runTrafficTransition(db(), test.id, runtime(), FIRST_TRY)).toBe("SETTLED");
    const row = await testRow(test.id);
    expect(row).toMatchObject({ status: "PLANNED", pendingStatus: null, startedAt: null });
    expect(row.stopReason).toContain("ResourceLimitExceeded");
    expect(world.target.endpoints.get(endpointName)).toEqual({ [v1]: 100 });
    expect(await recordedVariants(endpointName)).toEqual([`${v1}=100`]);
  });

  it("a transient failure on the last try falls back as well; earlier tries are retried", async () => {
    const { scientist, test, endpointName, v1 } = await givenPlannedTest();
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    world.target.refuseApply = (spec) => (spec.variants.length > 1 ? new Error("ECONNRESET") : null);
    await expect(runTrafficTransition(db(), test.id, runtime(), FIRST_TRY)).rejects.toThrow("ECONNRESET");
    expect(await testRow(test.id)).toMatchObject({ pendingStatus: "RUNNING", transitionError: "ECONNRESET" });
    expect(await runTrafficTransition(db(), test.id, runtime(), { lastAttempt: true })).toBe("SETTLED");
    expect(await testRow(test.id)).toMatchObject({ status: "PLANNED", pendingStatus: null });
    expect(world.target.endpoints.get(endpointName)).toEqual({ [v1]: 100 });
  });

  it("shadow mode mirrors to the challenger at weight 0, then running makes it live", async () => {
    const { scientist, test, endpointName, v1, v2 } = await givenPlannedTest();
    await startAbTest(scientist.ctx, { testId: test.id, mode: "SHADOW" });
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(world.target.calls).toEqual([`apply ${v1}=100,${v2}=shadow`]);
    expect(world.target.salts.get(endpointName)).toBeUndefined();
    expect(await testRow(test.id)).toMatchObject({ status: "SHADOW", startedAt: null });
    expect((await testRow(test.id)).shadowStartedAt).not.toBeNull();
    expect(await recordedVariants(endpointName)).toEqual([`${v1}=100`, `${v2}=shadow`]);

    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(world.target.calls.slice(1)).toEqual([`apply ${v1}=100,${v2}=0`, `weights ${v1}=70,${v2}=30`]);
    expect(await testRow(test.id)).toMatchObject({ status: "RUNNING" });
  });

  it("stops: traffic goes back to the champion before the challenger is removed", async () => {
    const { scientist, test, endpointName, v1, v2 } = await givenPlannedTest();
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    await runTrafficTransition(db(), test.id, runtime());
    world.target.calls.length = 0;
    await stopAbTest(scientist.ctx, { testId: test.id, reason: "the champion is enough" });
    // Stopping twice is one stop.
    await stopAbTest(scientist.ctx, { testId: test.id, reason: "again" });
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(world.target.calls).toEqual([`weights ${v1}=100,${v2}=0`, `apply ${v1}=100`]);
    const row = await testRow(test.id);
    expect(row).toMatchObject({ status: "STOPPED", stopReason: "the champion is enough", pendingStatus: null });
    expect(row.endedAt).not.toBeNull();
    expect(await recordedVariants(endpointName)).toEqual([`${v1}=100`]);
    await expect(stopAbTest(scientist.ctx, { testId: test.id, reason: "once more" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await db().auditLog.count({ where: { entityId: test.id, action: "abtests.stop" } })).toBe(1);
  });

  it("a stop is never given up: it is retried until the champion serves alone", async () => {
    const { scientist, test, endpointName, v1 } = await givenPlannedTest();
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    await runTrafficTransition(db(), test.id, runtime());
    await stopAbTest(scientist.ctx, { testId: test.id, reason: "done" });
    world.target.refuseApply = () => new DeploymentFailure("endpoint is updating");
    await expect(runTrafficTransition(db(), test.id, runtime(), { lastAttempt: true })).rejects.toThrow("updating");
    expect(await testRow(test.id)).toMatchObject({ status: "RUNNING", pendingStatus: "STOPPED" });
    // Meanwhile the champion already answers everything.
    expect(world.target.endpoints.get(endpointName)?.[v1]).toBe(100);
    world.target.refuseApply = null;
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(await testRow(test.id)).toMatchObject({ status: "STOPPED", pendingStatus: null });
  });

  it("a stop requested while a start is being moved is reconciled by the same run", async () => {
    const { scientist, test, endpointName, v1 } = await givenPlannedTest();
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    const setWeights = world.target.setWeights.bind(world.target);
    let stopped = false;
    world.target.setWeights = async (name, weights) => {
      if (!stopped) {
        stopped = true;
        await stopAbTest(scientist.ctx, { testId: test.id, reason: "changed my mind" });
      }
      return setWeights(name, weights);
    };
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(await testRow(test.id)).toMatchObject({ status: "STOPPED", pendingStatus: null, startedAt: null });
    expect(world.target.endpoints.get(endpointName)).toEqual({ [v1]: 100 });
  });

  it("two workers at once: one moves the traffic, the other finds nothing left to do", async () => {
    const { scientist, test, v1, v2 } = await givenPlannedTest();
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    const outcomes = await Promise.all([
      runTrafficTransition(db(), test.id, runtime("worker-a")),
      runTrafficTransition(db(), test.id, runtime("worker-b")),
    ]);
    expect(outcomes.sort()).toEqual(["NOTHING_PENDING", "SETTLED"]);
    expect(world.target.calls).toEqual([`apply ${v1}=100,${v2}=0`, `weights ${v1}=70,${v2}=30`]);
  });

  it("no deployment while a test is live, and no test start while a deployment is queued", async () => {
    const { scientist, reviewer, name, test, endpointName } = await givenPlannedTest();
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    const deploy = () => approvedProduction(scientist.ctx, reviewer.ctx, name, 2, { kind: "all-at-once" });
    await expect(deploy()).rejects.toThrow(/live A\/B test \("v2 against v1"\)/);
    await runTrafficTransition(db(), test.id, runtime());
    await expect(deploy()).rejects.toThrow(/live A\/B test/);
    await stopAbTest(scientist.ctx, { testId: test.id, reason: "to deploy" });
    // Still live until the champion serves alone again.
    await expect(deploy()).rejects.toThrow(/live A\/B test/);
    await runTrafficTransition(db(), test.id, runtime());
    const deploymentId = await deploy();
    const next = await createAbTest(scientist.ctx, plan(endpointName, "while deploying", 50));
    await expect(startAbTest(scientist.ctx, { testId: next.id, mode: "RUNNING" })).rejects.toThrow(
      /deployment in progress/,
    );
    expect(await testRow(next.id)).toMatchObject({ status: "PLANNED", pendingStatus: null });
    expect(await runDeployment(db(), deploymentId, runtime())).toBe("SUCCEEDED");
    // The endpoint now serves v2: the test's champion (v1) no longer serves alone.
    await expect(startAbTest(scientist.ctx, { testId: next.id, mode: "RUNNING" })).rejects.toThrow(
      /no longer serves the champion/,
    );
  });

  it("refuses impossible moves and another live test on the same endpoint, changing nothing", async () => {
    const { scientist, test, endpointName } = await givenPlannedTest();
    const second = await createAbTest(scientist.ctx, plan(endpointName, "second", 50));
    await startAbTest(scientist.ctx, { testId: test.id, mode: "SHADOW" });
    await expect(startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" })).rejects.toThrow(/moving to shadow/);
    await expect(startAbTest(scientist.ctx, { testId: second.id, mode: "RUNNING" })).rejects.toThrow(
      /Another A\/B test is live/,
    );
    await runTrafficTransition(db(), test.id, runtime());
    await expect(startAbTest(scientist.ctx, { testId: test.id, mode: "SHADOW" })).rejects.toThrow(
      /shadow test cannot move to shadow/,
    );
    await expect(startAbTest(scientist.ctx, { testId: "nope", mode: "SHADOW" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(stopAbTest(scientist.ctx, { testId: test.id, reason: "  " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await testRow(second.id)).toMatchObject({ status: "PLANNED", pendingStatus: null });
  });

  it("refuses shadow mode with several challengers on SageMaker (one shadow variant there), changing nothing", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(3);
    const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" });
    await runDeployment(db(), deploymentId, runtime());
    const endpointName = `${name}-production-local`;
    const test = await createAbTest(scientist.ctx, {
      ...plan(endpointName, "two shadows", 50),
      challengers: [
        { version: 2, weight: 25 },
        { version: 3, weight: 25 },
      ],
    });
    // Only the endpoint's target kind is read by the check: nothing reaches a target.
    await db().endpoint.update({ where: { name: endpointName }, data: { target: "SAGEMAKER" } });
    await expect(startAbTest(scientist.ctx, { testId: test.id, mode: "SHADOW" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/one shadow variant only/),
    });
    expect(await testRow(test.id)).toMatchObject({ status: "PLANNED", pendingStatus: null, transitionSeq: 0 });
  });

  it("a harmful challenger is taken off traffic by itself: weight 0, audited without an actor, alerted", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(3);
    const deploymentId = await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" });
    await runDeployment(db(), deploymentId, runtime());
    const endpointName = `${name}-production-local`;
    const test = await createAbTest(scientist.ctx, {
      ...plan(endpointName, "two challengers", 50),
      challengers: [
        { version: 2, weight: 25 },
        { version: 3, weight: 25 },
      ],
    });
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    await runTrafficTransition(db(), test.id, runtime());
    world.target.calls.length = 0;
    const [v1, v2, v3] = [1, 2, 3].map((v) => `${name}-v${v}`);
    const harm = { variantName: v2!, metric: "error_rate", detail: "server errors 12 % against 0.1 %" };
    const now = new Date();
    expect(await stopHarmfulChallengers(db(), test.id, [harm], now)).toEqual({ stopped: [v2], endsTest: false });
    // Until the weights have moved, a second watch changes nothing.
    expect(await stopHarmfulChallengers(db(), test.id, [harm], now)).toEqual({ stopped: [], endsTest: false });
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(world.target.calls).toEqual([`weights ${v1}=75,${v2}=0,${v3}=25`]);
    expect(await recordedVariants(endpointName)).toEqual([`${v1}=75`, `${v2}=0`, `${v3}=25`]);
    const arm = await db().abTestArm.findFirstOrThrow({ where: { testId: test.id, variantName: v2 } });
    expect(arm.stopReason).toContain("server errors 12 %");
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: test.id, action: "abtests.harm-stop" } });
    expect(audit.actorId).toBeNull();
    expect(await db().alert.findUniqueOrThrow({ where: { dedupeKey: `abtest-harm:${test.id}:${v2}` } })).toMatchObject({
      kind: "AB_TEST_HARM",
      severity: "CRITICAL",
    });
    expect(await stopHarmfulChallengers(db(), test.id, [harm], now)).toEqual({ stopped: [], endsTest: false });

    // The last live challenger harmful too: the test ends, the champion alone.
    const last = { variantName: v3!, metric: "latency_p99", detail: "p99 over the SLO" };
    expect(await stopHarmfulChallengers(db(), test.id, [last], now)).toEqual({ stopped: [v3], endsTest: true });
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(await testRow(test.id)).toMatchObject({ status: "STOPPED" });
    expect(world.target.endpoints.get(endpointName)).toEqual({ [v1!]: 100 });
  });
});
