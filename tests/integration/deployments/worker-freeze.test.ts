import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { until } from "@/tests/integration/support/until";
import { killDrills, type DrillWorker } from "@/tests/integration/deployments/worker-drills";

// A worker holding a deployment is frozen (SIGSTOP) in the middle of its bake. Its lease lapses, the other worker
// takes the deployment over and finishes it; then the frozen worker is resumed (SIGCONT). It finds its lease gone and
// stops without writing anything: every step outcome, checkpoint, the deployment's row, the endpoint's variants and
// the alias stay as the other worker left them (step outcomes and checkpoints are written in one transaction with the
// lease's renewal; the deployment's own updates are conditioned on the lease owner). Frozen inside such a transaction,
// it holds the deployment's row locked: PostgreSQL ends its idle transaction (DB_IDLE_IN_TRANSACTION_TIMEOUT_MS, 1 s
// in the drills), which unblocks the other worker and rolls back the frozen write.
const drills = killDrills("freeze", 2);

async function snapshot(deploymentId: string, endpointName: string) {
  const [events, deployment, variants, aliasEvents] = await Promise.all([
    db().deploymentEvent.findMany({ where: { deploymentId }, orderBy: { id: "asc" } }),
    db().deployment.findUniqueOrThrow({ where: { id: deploymentId } }),
    db().endpointVariant.findMany({ where: { endpoint: { name: endpointName } }, orderBy: { variantName: "asc" } }),
    db().aliasEvent.count(),
  ]);
  return { events, deployment, variants, aliasEvents };
}

/**
 * Once the other worker has rolled the deployment out (and, with `frozenAt`, at least 6 s after the freeze), resumes
 * the frozen worker: it finds its lease gone, stays up and changes nothing.
 */
async function resumeWritesNothing(drill: { deploymentId: string }, frozen: DrillWorker, frozenAt = 0) {
  const before = await snapshot(drill.deploymentId, drills.model().endpointName);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, frozenAt + 6_000 - Date.now())));
  frozen.child.kill("SIGCONT");
  await until(
    () => `the resumed worker to find its lease gone\n${drills.workers.outputs()}`,
    async () => frozen.output().includes(`[worker] deployment ${drill.deploymentId} superseded`),
  );
  expect(frozen.child.exitCode).toBeNull();
  expect(await snapshot(drill.deploymentId, drills.model().endpointName)).toEqual(before);
}

describe("a worker frozen while it holds a deployment", () => {
  it("loses it to the other worker, which finishes; resumed, it writes nothing more", async () => {
    const drill = await drills.canary({ breaking: false, bakeSeconds: 3 });
    await until("the bake to start", () =>
      db().deploymentEvent.findFirst({
        where: { deploymentId: drill.deploymentId, step: "bake:1", outcome: "RUNNING" },
      }),
    );
    const frozen = await drills.workers.holder(drill.deploymentId);
    frozen.child.kill("SIGSTOP");

    await drills.expectRolledOut(drill, "bake:1");
    await resumeWritesNothing(drill, frozen);
  }, 90_000);

  it("frozen inside a transaction holding the deployment's row: the other worker still takes it over", async () => {
    await drills.gateAt("bake:1", "checkpoint");
    const drill = await drills.canary({ breaking: false, bakeSeconds: 3 });
    const frozen = await drills.freezeInTransaction(drill.deploymentId, "bake:1");
    const frozenAt = Date.now();

    await drills.expectRolledOut(drill, "bake:1");
    // Frozen longer than Prisma's 5-second transaction timeout, whose timer then tries a ROLLBACK on the ended session.
    await resumeWritesNothing(drill, frozen, frozenAt);
  }, 90_000);
});
