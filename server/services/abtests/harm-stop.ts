import type { Db } from "@/server/db/client";
import { enqueueAbTestTraffic } from "@/server/jobs/abtest-traffic";
import { recordSystemAudit } from "@/server/services/audit/record-audit";

/** A challenger a guardrail's one-sided always-valid test found worse than allowed. */
export type Harm = { variantName: string; metric: string; detail: string };

export type HarmStop = { stopped: string[]; endsTest: boolean };

/**
 * Takes harmful challengers off traffic by themselves (weight → 0, their share to the champion; the test ends when no
 * challenger is left), in one transaction with its audit row (no person acted: actorId null) and a critical alert for
 * the model's team; the abtest-traffic job then moves the weights. Only a running test whose traffic is settled is
 * touched, and a challenger already stopped is left as it is, so a repeated watch changes nothing.
 */
export async function stopHarmfulChallengers(
  database: Db,
  testId: string,
  harms: readonly Harm[],
  now: Date,
): Promise<HarmStop> {
  if (harms.length === 0) return { stopped: [], endsTest: false };
  const result = await database.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "AbTest" WHERE id = ${testId} FOR NO KEY UPDATE`;
    const test = await tx.abTest.findUnique({
      where: { id: testId },
      include: { arms: true, endpoint: { include: { model: { select: { name: true, teamId: true } } } } },
    });
    if (!test || test.status !== "RUNNING" || test.pendingStatus) return null;
    const live = test.arms.filter((arm) => arm.role === "CHALLENGER" && arm.stoppedAt === null);
    const reasons = new Map<string, string[]>();
    for (const harm of harms) {
      if (!live.some((arm) => arm.variantName === harm.variantName)) continue;
      reasons.set(harm.variantName, [...(reasons.get(harm.variantName) ?? []), harm.detail]);
    }
    if (reasons.size === 0) return null;
    for (const [variantName, details] of reasons) {
      await tx.abTestArm.update({
        where: { testId_variantName: { testId, variantName } },
        data: { stoppedAt: now, stopReason: `Stopped automatically: ${details.join("; ")}`.slice(0, 2000) },
      });
      await tx.alert.upsert({
        where: { dedupeKey: `abtest-harm:${testId}:${variantName}` },
        create: {
          kind: "AB_TEST_HARM",
          severity: "CRITICAL",
          dedupeKey: `abtest-harm:${testId}:${variantName}`,
          title: `A/B test "${test.name}": ${variantName} taken off traffic`,
          message: `${details.join("; ")}. Its traffic went back to the champion on ${test.endpoint.name}.`.slice(
            0,
            2000,
          ),
          teamId: test.endpoint.model.teamId,
          endpointId: test.endpointId,
          details: { testId, variantName, details },
        },
        update: {},
      });
    }
    const endsTest = live.every((arm) => reasons.has(arm.variantName));
    const updated = await tx.abTest.update({
      where: { id: testId },
      data: {
        pendingStatus: endsTest ? "STOPPED" : "RUNNING",
        transitionSeq: { increment: 1 },
        transitionError: null,
        ...(endsTest && { stopReason: "Every challenger was stopped automatically by a guardrail" }),
      },
    });
    await recordSystemAudit(tx, {
      action: "abtests.harm-stop",
      entityType: "AbTest",
      entityId: testId,
      before: { live: live.map((arm) => arm.variantName) },
      after: {
        stopped: Object.fromEntries(reasons),
        pendingStatus: endsTest ? "STOPPED" : "RUNNING",
      },
    });
    return { stopped: [...reasons.keys()], endsTest, seq: updated.transitionSeq };
  });
  if (!result) return { stopped: [], endsTest: false };
  await enqueueAbTestTraffic(testId, result.seq);
  return { stopped: result.stopped, endsTest: result.endsTest };
}
