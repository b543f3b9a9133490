import type { Db } from "@/server/db/client";
import { errorMessage } from "@/lib/error-message";
import { acquireRowLease, LeaseLost, type Lease } from "@/server/db/row-lease";
import type { DeploymentRuntime } from "@/server/services/deployments/deployment-run";
import { isPermanentFailure } from "@/server/services/deployments/deployment-steps";
import { toVariantSpec, versionInclude, writeVariants } from "@/server/services/deployments/endpoint-variants";
import {
  desiredTraffic,
  type DesiredTraffic,
  type TrafficStatus,
} from "@/server/services/abtests/traffic/desired-traffic";
import { moveTraffic } from "@/server/services/abtests/traffic/move-traffic";

/** What moving a test's traffic needs from the outside world (the deployment worker's targets, lease and clock). */
export type TrafficRuntime = Pick<DeploymentRuntime, "target" | "artifactUri" | "sleep" | "lease">;

export type TransitionOutcome = "SETTLED" | "FELL_BACK" | "NOTHING_PENDING" | "SUPERSEDED";

const PENDING = `"pendingStatus" IS NOT NULL`;

function loadTest(database: Db, testId: string) {
  return database.abTest.findUnique({
    where: { id: testId },
    include: {
      arms: { include: { version: { include: versionInclude } }, orderBy: { variantName: "asc" } },
      endpoint: { include: { variants: true } },
    },
  });
}
type LoadedTest = NonNullable<Awaited<ReturnType<typeof loadTest>>>;

/**
 * Moves a test's endpoint to the traffic of its pending status (abtest-traffic job). One worker at a time holds the
 * test (a lease, as deployments have); a request that arrives while it works (stop during a start) is reconciled in
 * the same run. A start that cannot be completed falls back: the champion alone serves again and the test says why.
 * Stopping never gives up: it is retried until the champion serves alone.
 */
export async function runTrafficTransition(
  database: Db,
  testId: string,
  runtime: TrafficRuntime,
  attempt: { lastAttempt: boolean } = { lastAttempt: true },
): Promise<TransitionOutcome> {
  const lease = await acquireRowLease(
    database,
    { table: "AbTest", id: testId, label: `A/B test ${testId}`, active: PENDING },
    runtime.lease,
    runtime.sleep,
    async () => (await database.abTest.findUnique({ where: { id: testId } }))?.pendingStatus != null,
  );
  if (!lease) return "NOTHING_PENDING";
  try {
    let outcome: TransitionOutcome = "NOTHING_PENDING";
    for (;;) {
      const test = await loadTest(database, testId);
      if (!test?.pendingStatus) return outcome;
      const step = await settle(database, test, runtime, lease, attempt);
      if (step === "CHANGED_MEANWHILE") continue;
      outcome = step;
      if (step === "SETTLED") return step;
    }
  } catch (error) {
    if (error instanceof LeaseLost) return "SUPERSEDED";
    throw error;
  } finally {
    await lease.release();
  }
}

const isStart = (to: TrafficStatus) => to === "SHADOW" || to === "RUNNING";

async function settle(
  database: Db,
  test: LoadedTest,
  runtime: TrafficRuntime,
  lease: Lease,
  attempt: { lastAttempt: boolean },
): Promise<"SETTLED" | "FELL_BACK" | "CHANGED_MEANWHILE"> {
  const to = test.pendingStatus!;
  const desired = desiredTraffic(
    to,
    test.arms.map((arm) => ({ ...arm, stopped: arm.stoppedAt !== null })),
    test.salt,
  );
  try {
    const target = runtime.target(test.endpoint.target);
    await moveTraffic({
      target,
      endpointName: test.endpoint.name,
      desired,
      spec: await endpointSpec(test, desired, runtime),
      fence: lease.fence,
      signal: lease.signal,
    });
    return await commit(database, test, desired, lease);
  } catch (error) {
    if (error instanceof LeaseLost) throw error;
    const message = errorMessage(error).slice(0, 2000);
    const givesUp = isStart(to) && (isPermanentFailure(error) || attempt.lastAttempt);
    await database.$transaction(async (tx) => {
      await lease.fence(tx);
      const fallback = test.status === "PLANNED" ? "PLANNED" : "STOPPED";
      await tx.abTest.updateMany({
        where: { id: test.id, transitionSeq: test.transitionSeq },
        data: givesUp
          ? {
              pendingStatus: fallback,
              transitionError: message,
              stopReason: `Could not move traffic to ${to.toLowerCase()}: ${message}`.slice(0, 2000),
            }
          : { transitionError: message },
      });
    });
    if (givesUp) return "FELL_BACK";
    throw error;
  }
}

/** The spec of the desired variants: sized like the champion, live challengers at 0 until the weights are set. */
async function endpointSpec(test: LoadedTest, desired: DesiredTraffic, runtime: TrafficRuntime) {
  const { endpoint } = test;
  const champion = test.arms.find((arm) => arm.role === "CHAMPION")!;
  const serving = endpoint.variants.find((variant) => variant.variantName === champion.variantName);
  const sizing = serving ? { instanceType: serving.instanceType, instanceCount: serving.instanceCount } : undefined;
  const armOf = new Map(test.arms.map((arm) => [arm.variantName, arm]));
  return {
    endpointName: endpoint.name,
    captureRate: endpoint.captureRate,
    ...(desired.salt && { routing: { salt: desired.salt } }),
    variants: await Promise.all(
      desired.variants.map(async (variant) => ({
        ...(await toVariantSpec(
          armOf.get(variant.variantName)!.version,
          { variantName: variant.variantName, weight: variant.champion ? 100 : 0, sizing },
          endpoint.target,
          runtime.artifactUri,
        )),
        ...(variant.shadow && { shadow: true }),
      })),
    ),
  };
}

/**
 * Records the settled status and what the endpoint serves, in one transaction and only while this worker holds the
 * test and no newer request came in (then the caller reconciles that one).
 */
async function commit(
  database: Db,
  test: LoadedTest,
  desired: DesiredTraffic,
  lease: Lease,
): Promise<"SETTLED" | "CHANGED_MEANWHILE"> {
  const to = test.pendingStatus!;
  const armOf = new Map(test.arms.map((arm) => [arm.variantName, arm]));
  const champion = test.endpoint.variants.find((v) => v.variantName === desired.variants[0]!.variantName);
  const sizing = champion && { instanceType: champion.instanceType, instanceCount: champion.instanceCount };
  const settledAt = new Date();
  return database.$transaction(async (tx) => {
    await lease.fence(tx);
    const done = await tx.abTest.updateMany({
      where: { id: test.id, transitionSeq: test.transitionSeq, pendingStatus: to },
      data: {
        status: to,
        pendingStatus: null,
        transitionError: null,
        ...(to === "RUNNING" && !test.startedAt && { startedAt: settledAt }),
        ...(to === "SHADOW" && !test.shadowStartedAt && { shadowStartedAt: settledAt }),
        ...((to === "STOPPED" || to === "CONCLUDED") && { endedAt: test.endedAt ?? settledAt }),
      },
    });
    if (done.count !== 1) return "CHANGED_MEANWHILE" as const;
    await writeVariants(
      tx,
      test.endpointId,
      desired.variants.map((variant) => ({
        versionId: armOf.get(variant.variantName)!.versionId,
        variantName: variant.variantName,
        weight: variant.weight,
        shadow: variant.shadow,
        sizing,
      })),
    );
    return "SETTLED" as const;
  });
}
