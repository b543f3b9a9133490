import type { z } from "zod";
import type { labelSamplingPayload } from "@/server/jobs/label-sampling";
import type { SystemContext } from "@/server/services/context";
import { sampleAllQueues, sampleQueue } from "@/server/services/labels/sampling";

export async function handleLabelSampling(payload: z.infer<typeof labelSamplingPayload>, context: SystemContext) {
  const results = payload.queueId ? [await sampleQueue(context, payload.queueId)] : await sampleAllQueues(context);
  return {
    queues: results.length,
    considered: results.reduce((sum, r) => sum + r.considered, 0),
    inserted: results.reduce((sum, r) => sum + r.inserted, 0),
  };
}
