import { setTimeout as sleep } from "node:timers/promises";
import { systemContextFromEnv } from "@/server/context-from-env";
import { closeQueues } from "@/server/jobs/define-job";
import { actingAs } from "@/server/services/context";
import { requestPromotion } from "@/server/services/deployments/promotions";

/**
 * The demo's second staging release: once the seeded GBT fraud version is live in staging, the later
 * logistic-regression version (the newest version of the model) replaces it, so the staging endpoint has a previous
 * healthy version to roll back to. An endpoint takes one deployment at a time, so this waits for the worker; start.sh
 * and e2e-server.sh run it after the worker starts. It does nothing when that release was already requested.
 */
const MODEL = "fraud-detector-xgb";
const POLL_MS = 2000;
const GIVE_UP_AFTER_MS = 30 * 60_000;

const system = systemContextFromEnv();
const database = system.db;
const log = (message: string) => console.log(`[demo second release] ${message}`);

async function stagingOutcome(modelId: string, deadline: number) {
  for (;;) {
    const deployments = await database.deployment.findMany({
      where: { endpoint: { modelId, environment: "STAGING", target: "LOCAL" } },
      select: { status: true },
    });
    const unfinished = deployments.some((d) => d.status === "QUEUED" || d.status === "RUNNING");
    if (!unfinished && deployments.some((d) => d.status === "SUCCEEDED")) return "SUCCEEDED";
    if (!unfinished && deployments.length > 0) return "FAILED";
    if (Date.now() > deadline) return "TIMED_OUT";
    await sleep(POLL_MS);
  }
}

async function main() {
  const model = await database.registeredModel.findUnique({
    where: { name: MODEL },
    select: {
      id: true,
      isDemo: true,
      versions: {
        orderBy: { version: "desc" },
        take: 1,
        select: { id: true, version: true, createdBy: { select: { id: true, role: true, teamId: true } } },
      },
    },
  });
  const latest = model?.versions[0];
  if (!model?.isDemo || !latest) return log(`no demo model ${MODEL}; nothing to do`);
  if (await database.promotion.findFirst({ where: { versionId: latest.id, environment: "STAGING" } }))
    return log(`v${latest.version} was already sent to staging`);

  const outcome = await stagingOutcome(model.id, Date.now() + GIVE_UP_AFTER_MS);
  if (outcome !== "SUCCEEDED")
    return log(`not requesting v${latest.version}: the first staging deployment ended ${outcome}`);
  const { deploymentId } = await requestPromotion(
    actingAs(system, {
      userId: latest.createdBy.id,
      role: latest.createdBy.role,
      teamId: latest.createdBy.teamId,
    }),
    {
      modelName: MODEL,
      version: latest.version,
      environment: "STAGING",
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
      reason: "Demo: the logistic-regression challenger replaces the GBT model in staging",
    },
  );
  log(`${MODEL} v${latest.version} requested for staging; deployment ${deploymentId}`);
}

await main();
await closeQueues();
await database.$disconnect();
