import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Worker } from "bullmq";
import { systemContextFromEnv } from "@/server/context-from-env";
import { closeQueues, defineJob, queueFor, scheduleJob } from "@/server/jobs/define-job";
import { startWorkers } from "@/workers/start-workers";

const EVERY_MS = 250;
const WORKER_PROCESSES = 3;

/** Each run of the scheduled job: the BullMQ job id (one per tick) and when it ran. */
const runs: { id: string; at: number }[] = [];

const tickJob = defineJob({
  name: "schedule-test-tick",
  schema: z.object({}),
  schedule: { every: EVERY_MS },
  handler: async () => async (_payload, _context, job) => {
    runs.push({ id: String(job.id), at: Date.now() });
  },
});

const started: Worker[] = [];
afterAll(async () => {
  await Promise.all(started.map((worker) => worker.close()));
  await closeQueues();
});

describe("scheduled jobs with several worker processes", () => {
  it("keeps one schedule however many workers register it, and runs each tick once", async () => {
    const context = systemContextFromEnv();
    // Every worker process registers the schedules when it starts (and again when Redis comes back), all at once here.
    await Promise.all(Array.from({ length: WORKER_PROCESSES }, () => scheduleJob(tickJob)));
    const from = Date.now();
    for (let i = 0; i < WORKER_PROCESSES; i++) started.push(...startWorkers([tickJob], context));
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS * 4));
    // A worker restarting meanwhile registers it once more.
    await scheduleJob(tickJob);
    await new Promise((resolve) => setTimeout(resolve, EVERY_MS * 6));
    await Promise.all(started.map((worker) => worker.close()));
    const elapsed = Date.now() - from;

    const queue = queueFor(tickJob.queue);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual([tickJob.name]);
    await queue.removeJobScheduler(tickJob.name);
    // No tick ran twice, and there were no more runs than ticks (three schedules would have tripled them).
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(Math.ceil(elapsed / EVERY_MS) + 1);
  });
});
