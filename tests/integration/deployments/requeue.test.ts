import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { closeQueues, queueFor } from "@/server/jobs/define-job";
import { deployJob, deployJobId } from "@/server/jobs/deploy";
import { redisConnection } from "@/server/jobs/redis";
import { enqueueDeployment, enqueueUnfinishedDeployments } from "@/server/services/deployments/enqueue-deployments";
import { approvedProduction, givenModelWithVersions } from "@/tests/integration/deployments/state-machine-fixtures";

afterAll(closeQueues);

describe("re-queueing deployments still in progress", () => {
  it("replaces a job that ended while its deployment is still in progress, so a worker picks it up again", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(1);
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" });
    const queue = queueFor(deployJob.queue);
    // Approval queued the job; here its last attempt dies on a database outage: it fails for good, the deployment
    // stays QUEUED.
    await (await queue.getJob(deployJobId(id)))?.remove();
    await queue.add(deployJob.name, { deploymentId: id }, { jobId: deployJobId(id), attempts: 1 });
    const failing = new Worker(
      deployJob.queue,
      async () => {
        throw new Error("connection terminated unexpectedly");
      },
      { connection: redisConnection(), prefix: env().QUEUE_PREFIX },
    );
    await expect.poll(async () => (await queue.getJob(deployJobId(id)))?.isFailed(), { timeout: 10_000 }).toBe(true);
    await failing.close();

    await enqueueDeployment(id);
    expect(await (await queue.getJob(deployJobId(id)))?.isFailed()).toBe(true);

    expect(await enqueueUnfinishedDeployments(db())).toBeGreaterThanOrEqual(1);
    const job = await queue.getJob(deployJobId(id));
    expect(await job?.getState()).toBe("waiting");
    expect(job?.attemptsMade).toBe(0);
  });
});
