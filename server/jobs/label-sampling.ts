import { z } from "zod";
import { defineJob } from "@/server/jobs/define-job";

export const LABEL_SAMPLING_EVERY_MS = 5 * 60_000;

export const labelSamplingPayload = z.object({ queueId: z.string().min(1).optional() });

/**
 * Fills label queues from captured predictions: every queue every five minutes, or one queue on demand (job id
 * `label-sampling:<queueId>:<minute>`). Reruns are no-ops for what a run already considered (the queue's cursor,
 * the deterministic draw and the unique key), and runs of one queue take turns on the queue row's lock.
 */
export const labelSamplingJob = defineJob({
  queue: "labels",
  name: "label-sampling",
  schema: labelSamplingPayload,
  handler: async () => (await import("@/server/jobs/handlers/label-sampling")).handleLabelSampling,
  defaults: { removeOnComplete: 100, removeOnFail: 100, attempts: 3, backoff: { type: "exponential", delay: 10_000 } },
  schedule: { every: LABEL_SAMPLING_EVERY_MS },
  singleFlightKey: (payload) => `label-sampling:${payload.queueId ?? "all"}`,
});
