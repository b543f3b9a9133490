import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { db } from "@/server/db/client";
import { closeQueues } from "@/server/jobs/define-job";
import { requestPromotion } from "@/server/services/deployments/promotions";

// Started detached by the seed (second-release.ts): waits for the first staging deployment, then asks for the next.
const POLL_MS = 2000;
const GIVE_UP_AFTER_MS = 30 * 60_000;

const release = z
  .object({ afterDeploymentId: z.string().min(1), modelName: z.string().min(1), version: z.number().int().min(1), requestedById: z.string().min(1) })
  .parse(JSON.parse(process.argv[2] ?? "{}"));
const database = db();
const deadline = Date.now() + GIVE_UP_AFTER_MS;
const log = (message: string) => console.log(`${new Date().toISOString()} [seed second release] ${message}`);

async function firstOutcome() {
  for (;;) {
    const deployment = await database.deployment.findUniqueOrThrow({ where: { id: release.afterDeploymentId }, select: { status: true } });
    if (deployment.status !== "QUEUED" && deployment.status !== "RUNNING") return deployment.status;
    if (Date.now() > deadline) return "TIMED_OUT";
    await sleep(POLL_MS);
  }
}

const outcome = await firstOutcome();
if (outcome === "SUCCEEDED") {
  const requester = await database.user.findUniqueOrThrow({ where: { id: release.requestedById }, select: { id: true, role: true } });
  const { deploymentId } = await requestPromotion(
    { db: database, actor: { userId: requester.id, role: requester.role } },
    {
      modelName: release.modelName,
      version: release.version,
      environment: "STAGING",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "Demo: the logistic-regression challenger replaces the GBT model in staging",
    },
  );
  log(`${release.modelName} v${release.version} requested for staging; deployment ${deploymentId}`);
} else {
  log(`not requesting ${release.modelName} v${release.version}: the first staging deployment ended ${outcome}`);
}
await closeQueues();
await database.$disconnect();
