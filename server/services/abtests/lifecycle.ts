import type { z } from "zod";
import { startAbTestInput, stopAbTestInput } from "@/contracts/abtests";
import { DEPLOYMENT_ACTIVE_STATUSES } from "@/contracts/enums";
import type { Prisma } from "@/server/db/generated/client";
import type { AbTestStatus } from "@/server/db/generated/enums";
import { badRequest, conflict, isUniqueViolation, notFound } from "@/server/errors";
import { enqueueAbTestTraffic } from "@/server/jobs/abtest-traffic";
import type { abTestOutput } from "@/server/services/abtests/schemas";
import { testInclude, testView } from "@/server/services/abtests/test-view";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";

type LifecycleContext = Pick<ServiceContext, "db" | "actor">;
type AbTestView = z.infer<typeof abTestOutput>;

const ENDED: readonly AbTestStatus[] = ["STOPPED", "CONCLUDED"];
const STARTS: Record<"SHADOW" | "RUNNING", readonly AbTestStatus[]> = {
  SHADOW: ["PLANNED"],
  RUNNING: ["PLANNED", "SHADOW"],
};

/** What a locked test is loaded with: its arms (with their versions' numbers) and its endpoint (with the model's name). */
const lockedInclude = {
  arms: { include: { version: { select: { version: true } } } },
  endpoint: { include: { model: { select: { name: true } } } },
} as const satisfies Prisma.AbTestInclude;
export type LockedTest = Prisma.AbTestGetPayload<{ include: typeof lockedInclude }>;

/**
 * Locks the test's row for the transaction and loads it (two people pressing start, stop or decide are served one
 * after the other). NO KEY UPDATE: it still excludes every other writer of the row, but not a look counting its
 * slices, whose rows' foreign keys only share-lock the test's key.
 */
export async function lockTest(tx: Prisma.TransactionClient, testId: string): Promise<LockedTest> {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "AbTest" WHERE id = ${testId} FOR NO KEY UPDATE`;
  if (!row) throw notFound("A/B test");
  return tx.abTest.findUniqueOrThrow({ where: { id: testId }, include: lockedInclude });
}

/**
 * Checks, with the endpoint's row locked (a promotion queued at the same moment waits for this transaction and then
 * sees the test), that nothing else moves the endpoint's traffic and that the champion still serves it alone.
 */
async function checkEndpointFree(tx: Prisma.TransactionClient, test: LockedTest) {
  await tx.$queryRaw`SELECT id FROM "Endpoint" WHERE id = ${test.endpointId} FOR UPDATE`;
  const deployment = await tx.deployment.findFirst({
    where: { endpointId: test.endpointId, status: { in: [...DEPLOYMENT_ACTIVE_STATUSES] } },
    select: { id: true },
  });
  if (deployment)
    throw conflict(`${test.endpoint.name} has a deployment in progress: start the test once it has finished`);
  const champion = test.arms.find((arm) => arm.role === "CHAMPION")!;
  const serving = await tx.endpointVariant.findMany({
    where: { endpointId: test.endpointId, weight: { gt: 0 }, shadow: false },
    select: { versionId: true },
  });
  if (serving.length === 0 || serving.some((variant) => variant.versionId !== champion.versionId))
    throw conflict(
      `${test.endpoint.name} no longer serves the champion alone (a deployment changed it): set up a new test`,
    );
}

/** SageMaker runs one shadow variant beside one production variant: refused here rather than by the target later. */
function checkTargetCanShadow(test: LockedTest, mode: "SHADOW" | "RUNNING") {
  const challengers = test.arms.filter((arm) => arm.role === "CHALLENGER").length;
  if (mode === "SHADOW" && test.endpoint.target === "SAGEMAKER" && challengers > 1)
    throw badRequest(
      "SageMaker mirrors traffic to one shadow variant only: this test has several challengers, so start the split directly or set up a test per challenger",
    );
}

/**
 * Starts a test: its traffic moves to SHADOW (challengers mirrored, answers dropped) or RUNNING (split by the plan),
 * done by the abtest-traffic job. The pre-registration is fixed from here on. Audited.
 */
export async function startAbTest(
  ctx: LifecycleContext,
  rawInput: z.input<typeof startAbTestInput>,
): Promise<AbTestView> {
  const input = parseInput(startAbTestInput, rawInput);
  const result = await ctx.db
    .$transaction(async (tx) => {
      const test = await lockTest(tx, input.testId);
      if (test.pendingStatus)
        throw conflict(`The test's traffic is moving to ${test.pendingStatus.toLowerCase()}: wait until it settles`);
      if (!STARTS[input.mode].includes(test.status))
        throw conflict(`A ${test.status.toLowerCase()} test cannot move to ${input.mode.toLowerCase()}`);
      checkTargetCanShadow(test, input.mode);
      await checkEndpointFree(tx, test);
      const updated = await tx.abTest.update({
        where: { id: test.id },
        data: {
          pendingStatus: input.mode,
          transitionSeq: { increment: 1 },
          transitionError: null,
          stopReason: null,
        },
        include: testInclude,
      });
      await recordAudit(tx, ctx.actor, {
        action: input.mode === "SHADOW" ? "abtests.shadow" : "abtests.start",
        entityType: "AbTest",
        entityId: test.id,
        before: { status: test.status },
        after: { pendingStatus: input.mode, preRegistration: test.preRegistration },
      });
      return updated;
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error)
        ? conflict("Another A/B test is live on this endpoint: end it before starting this one")
        : error;
    });
  await enqueueAbTestTraffic(result.id, result.transitionSeq);
  return testView(result);
}

/**
 * Ends a test (or calls off a start still moving traffic): the champion serves alone again, done by the
 * abtest-traffic job, which retries until it does. Stopping a test already being stopped changes nothing. Audited.
 */
export async function stopAbTest(
  ctx: LifecycleContext,
  rawInput: z.input<typeof stopAbTestInput>,
): Promise<AbTestView> {
  const input = parseInput(stopAbTestInput, rawInput);
  const result = await ctx.db.$transaction(async (tx) => {
    const test = await lockTest(tx, input.testId);
    if (test.pendingStatus && ENDED.includes(test.pendingStatus))
      return {
        test: await tx.abTest.findUniqueOrThrow({ where: { id: test.id }, include: testInclude }),
        queue: false,
      };
    if (!test.pendingStatus && ENDED.includes(test.status))
      throw conflict(`This test has already ${test.status === "CONCLUDED" ? "been concluded" : "stopped"}`);
    const updated = await tx.abTest.update({
      where: { id: test.id },
      data: {
        pendingStatus: "STOPPED",
        transitionSeq: { increment: 1 },
        transitionError: null,
        stopReason: input.reason,
      },
      include: testInclude,
    });
    await recordAudit(tx, ctx.actor, {
      action: "abtests.stop",
      entityType: "AbTest",
      entityId: test.id,
      before: { status: test.status, pendingStatus: test.pendingStatus },
      after: { pendingStatus: "STOPPED", reason: input.reason },
    });
    return { test: updated, queue: true };
  });
  if (result.queue) await enqueueAbTestTraffic(result.test.id, result.test.transitionSeq);
  return testView(result.test);
}
