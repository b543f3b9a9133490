import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { decideAbTest } from "@/server/services/abtests/decide";
import { abTestsOfVersion } from "@/server/services/abtests/tests-of-version";
import { stopHarmfulChallengers } from "@/server/services/abtests/harm-stop";
import { startAbTest } from "@/server/services/abtests/lifecycle";
import { runTrafficTransition } from "@/server/services/abtests/traffic/run-transition";
import { decidePromotion } from "@/server/services/deployments/promotions";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import { givenPlannedTest, recordedVariants, testRow } from "@/tests/integration/abtests/traffic-fixtures";
import { resetWorld, runtime, world } from "@/tests/integration/deployments/state-machine-fixtures";

beforeEach(() => resetWorld());

async function givenRunningTest() {
  const given = await givenPlannedTest();
  await startAbTest(given.scientist.ctx, { testId: given.test.id, mode: "RUNNING" });
  await runTrafficTransition(db(), given.test.id, runtime());
  return given;
}

const promotionsOf = (name: string) => db().promotion.count({ where: { version: { model: { name } } } });

describe("deciding an A/B test", () => {
  it("keep the champion: the test concludes, the champion serves alone, the evidence names who decided", async () => {
    const { scientist, test, endpointName, v1 } = await givenRunningTest();
    const decided = await decideAbTest(scientist.ctx, {
      testId: test.id,
      decision: "KEEP_CHAMPION",
      reason: "no difference worth a release",
    });
    expect(decided).toMatchObject({ pendingStatus: "CONCLUDED", decision: "KEEP_CHAMPION", promotionId: null });
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    expect(await testRow(test.id)).toMatchObject({ status: "CONCLUDED", pendingStatus: null });
    expect(await recordedVariants(endpointName)).toEqual([`${v1}=100`]);
    const evidence = (await testRow(test.id)).evidence as Record<string, unknown>;
    expect(evidence).toMatchObject({
      decision: "KEEP_CHAMPION",
      reason: "no difference worth a release",
      decidedBy: { id: scientist.user.id, name: scientist.user.name },
      test: { id: test.id, endpoint: endpointName },
    });
    expect(evidence.preRegistration).toMatchObject({ primaryMetric: "accuracy", mde: 0.05 });
    // A look was taken as the decision was made: the evidence is the analysis as of then.
    expect(evidence.analysis).toMatchObject({
      comparisons: expect.arrayContaining([expect.objectContaining({ metric: "accuracy" })]),
    });
    expect(evidence.analyzedAt).not.toBeNull();
    const audit = await db().auditLog.findFirstOrThrow({
      where: { entityId: test.id, action: "abtests.keep-champion" },
    });
    expect(audit.actorId).toBe(scientist.user.id);
  });

  it("promote the winner: its promotion waits for a second person, and deploys once the test has ended", async () => {
    const { scientist, reviewer, name, test, endpointName, v2 } = await givenRunningTest();
    const decided = await decideAbTest(scientist.ctx, {
      testId: test.id,
      decision: "PROMOTE",
      version: 2,
      strategy: { kind: "all-at-once" },
      reason: "higher accuracy, guardrails clean",
    });
    const promotion = await db().promotion.findUniqueOrThrow({ where: { id: decided.promotionId! } });
    expect(promotion).toMatchObject({ status: "PENDING_APPROVAL", environment: "PRODUCTION" });
    expect(promotion.reason).toContain(`Winner of A/B test "v2 against v1"`);
    expect(await db().abTest.findFirst({ where: { promotionId: promotion.id } })).toMatchObject({ id: test.id });
    expect(await runTrafficTransition(db(), test.id, runtime())).toBe("SETTLED");
    const { deploymentId } = await decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: true });
    expect(await runDeployment(db(), deploymentId!, runtime())).toBe("SUCCEEDED");
    expect(await recordedVariants(endpointName)).toEqual([`${v2}=100`]);
    expect(await promotionsOf(name)).toBe(2);
    // The version's page lists the test with the decision its evidence was frozen with.
    expect(await abTestsOfVersion(scientist.ctx, { modelName: name, version: 2 })).toEqual([
      expect.objectContaining({
        id: test.id,
        role: "CHALLENGER",
        status: "CONCLUDED",
        decision: "PROMOTE",
        winnerVersion: 2,
        decidedBy: { id: scientist.user.id, name: scientist.user.name },
      }),
    ]);
    await expect(abTestsOfVersion(scientist.ctx, { modelName: name, version: 9 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("refuses what cannot be decided and writes nothing", async () => {
    const { scientist, name, test } = await givenPlannedTest();
    const keep = { testId: test.id, decision: "KEEP_CHAMPION" as const, reason: "meh" };
    await expect(decideAbTest(scientist.ctx, keep)).rejects.toThrow(/has not run yet/);
    await startAbTest(scientist.ctx, { testId: test.id, mode: "RUNNING" });
    await expect(decideAbTest(scientist.ctx, keep)).rejects.toThrow(/decide once it settles/);
    await runTrafficTransition(db(), test.id, runtime());
    const promote = { testId: test.id, decision: "PROMOTE" as const, reason: "wins" };
    await expect(decideAbTest(scientist.ctx, { ...promote, version: 1 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(decideAbTest(scientist.ctx, { ...promote, version: 7 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(decideAbTest(scientist.ctx, { ...keep, reason: " " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await stopHarmfulChallengers(
      db(),
      test.id,
      [{ variantName: `${name}-v2`, metric: "error_rate", detail: "5xx" }],
      new Date(),
    );
    await runTrafficTransition(db(), test.id, runtime());
    expect(await testRow(test.id)).toMatchObject({ status: "STOPPED" });
    await expect(decideAbTest(scientist.ctx, { ...promote, version: 2 })).rejects.toThrow(/taken off traffic/);
    expect(await promotionsOf(name)).toBe(1);
    expect(await testRow(test.id)).toMatchObject({ decision: null, evidence: null, status: "STOPPED" });
    // A stopped test can still be concluded by keeping the champion, once.
    await decideAbTest(scientist.ctx, keep);
    await runTrafficTransition(db(), test.id, runtime());
    await expect(decideAbTest(scientist.ctx, keep)).rejects.toThrow(/already been decided/);
    expect(world.target.endpoints.get(`${name}-production-local`)).toEqual({ [`${name}-v1`]: 100 });
  });
});
