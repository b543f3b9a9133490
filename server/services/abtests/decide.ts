import type { z } from "zod";
import { decideAbTestInput } from "@/contracts/abtests";
import { rolloutStrategySchema } from "@/contracts/deployments";
import type { Prisma } from "@/server/db/generated/client";
import type { AbTestStatus } from "@/server/db/generated/enums";
import { badRequest, conflict } from "@/server/errors";
import { enqueueAbTestTraffic } from "@/server/jobs/abtest-traffic";
import type { abTestOutput } from "@/server/services/abtests/schemas";
import { lockTest, type LockedTest } from "@/server/services/abtests/lifecycle";
import { testInclude, testView } from "@/server/services/abtests/test-view";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { createPromotion, startPromotionJobs, type CreatedPromotion } from "@/server/services/deployments/promotions";
import { parseInput } from "@/server/services/parse-input";
import { analyzeTest } from "@/server/services/abtests/analysis/analyze-test";

type DecideInput = z.infer<typeof decideAbTestInput>;

/** A decision is taken on a test that ran, once its traffic has settled: running, or stopped without a decision. */
const DECIDABLE: readonly AbTestStatus[] = ["RUNNING", "STOPPED"];

const DEFAULT_STRATEGY = rolloutStrategySchema.parse({ kind: "canary", canaryPercent: 10, bakeSeconds: 300 });

/**
 * The evidence a decision was taken on, frozen with it: the test's latest analysis (every metric, interval, p-value,
 * SRM, label delay), the plan, each arm's weight and stop, the duration, and who decided what and why.
 */
function evidenceOf(test: LockedTest, input: DecideInput, decider: { id: string; name: string }, now: Date) {
  const ended = test.endedAt ?? now;
  return {
    test: { id: test.id, name: test.name, endpoint: test.endpoint.name, assignment: test.assignment },
    preRegistration: test.preRegistration,
    arms: test.arms.map((arm) => ({
      variantName: arm.variantName,
      version: arm.version.version,
      role: arm.role,
      weight: arm.weight,
      stoppedAt: arm.stoppedAt?.toISOString() ?? null,
      stopReason: arm.stopReason,
    })),
    startedAt: test.startedAt?.toISOString() ?? null,
    endedAt: ended.toISOString(),
    durationDays: test.startedAt ? (ended.getTime() - test.startedAt.getTime()) / 86_400_000 : 0,
    analysis: test.analysis ?? null,
    analyzedAt: test.analyzedAt?.toISOString() ?? null,
    decision: input.decision,
    winnerVersion: input.decision === "PROMOTE" ? input.version : null,
    reason: input.reason,
    decidedBy: decider,
    decidedAt: now.toISOString(),
  } satisfies Prisma.InputJsonObject;
}

function checkDecidable(test: LockedTest, input: DecideInput) {
  if (test.pendingStatus)
    throw conflict(`The test's traffic is moving to ${test.pendingStatus.toLowerCase()}: decide once it settles`);
  if (test.decision) throw conflict("This test has already been decided");
  if (!DECIDABLE.includes(test.status))
    throw conflict(`A ${test.status.toLowerCase()} test cannot be decided: it has not run yet`);
  if (!test.startedAt) throw conflict("This test never took live traffic: there is nothing to decide on");
  if (input.decision !== "PROMOTE") return null;
  const arm = test.arms.find((a) => a.version.version === input.version);
  if (!arm || arm.role !== "CHALLENGER") throw badRequest(`Version ${input.version} is not a challenger of this test`);
  // A staging promotion deploys at once, which the test's own endpoint refuses until the test has ended.
  if (input.environment === "STAGING" && test.endpoint.environment === "STAGING")
    throw conflict(
      "A staging test's winner is promoted to production. To make it the staging endpoint's version instead, conclude the test keeping the champion, then promote it to staging",
    );
  if (arm.stoppedAt)
    throw conflict(`Version ${input.version} was taken off traffic during the test: ${arm.stopReason}`);
  return arm;
}

/**
 * A look just before deciding, every hour counted afresh from the prediction logs, so the evidence is the analysis as of
 * the decision (a test never split has none).
 */
async function freshLook(ctx: ServiceContext, testId: string) {
  const test = await ctx.db.abTest.findUnique({
    where: { id: testId },
    select: { startedAt: true, pendingStatus: true },
  });
  if (test?.startedAt && !test.pendingStatus) await analyzeTest(ctx, testId, { recount: true });
}

/**
 * Concludes a test by a person's decision: the champion serves alone again (the abtest-traffic job), the evidence is
 * frozen on the test, and "promote" opens the winner's promotion in the same transaction — its gates, golden set and
 * approvals apply as to any promotion (a promotion into the test's own endpoint waits for the test to have ended).
 */
export async function decideAbTest(
  ctx: ServiceContext,
  rawInput: z.input<typeof decideAbTestInput>,
): Promise<z.infer<typeof abTestOutput>> {
  const input = parseInput(decideAbTestInput, rawInput);
  await freshLook(ctx, input.testId);
  const now = ctx.clock();
  const result = await ctx.db.$transaction(async (tx) => {
    const test = await lockTest(tx, input.testId);
    checkDecidable(test, input);
    const decider = await tx.user.findUniqueOrThrow({
      where: { id: ctx.actor.userId },
      select: { id: true, name: true },
    });
    const evidence = evidenceOf(test, input, decider, now);
    let promotion: CreatedPromotion | null = null;
    if (input.decision === "PROMOTE") {
      promotion = await createPromotion(tx, ctx, {
        modelName: test.endpoint.model.name,
        version: input.version,
        environment: input.environment,
        target: test.endpoint.target,
        strategy: input.strategy ?? DEFAULT_STRATEGY,
        reason: `Winner of A/B test "${test.name}" on ${test.endpoint.name}: ${input.reason}`.slice(0, 1000),
      });
    }
    const updated = await tx.abTest.update({
      where: { id: test.id },
      data: {
        decision: input.decision,
        decidedById: decider.id,
        decidedAt: now,
        evidence,
        promotionId: promotion?.promotion.id ?? null,
        pendingStatus: "CONCLUDED",
        transitionSeq: { increment: 1 },
        transitionError: null,
        stopReason: input.reason,
      },
      include: testInclude,
    });
    await recordAudit(tx, ctx.actor, {
      action: input.decision === "PROMOTE" ? "abtests.promote" : "abtests.keep-champion",
      entityType: "AbTest",
      entityId: test.id,
      before: { status: test.status },
      after: { ...evidence, promotionId: promotion?.promotion.id ?? null },
    });
    return { updated, promotion };
  });
  await enqueueAbTestTraffic(result.updated.id, result.updated.transitionSeq);
  if (result.promotion) await startPromotionJobs(result.promotion);
  return testView(result.updated);
}
