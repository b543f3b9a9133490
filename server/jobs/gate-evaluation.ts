import { z } from "zod";
import { defineJob, enqueue, queueFor } from "@/server/jobs/define-job";

export const gateEvaluationPayload = z.object({ evaluationId: z.string().min(1) });

/**
 * Runs one golden-set gate evaluation on the local runtime. The payload is only the id; the handler reads the
 * evaluation and does nothing when it has already finished, so a repeated job is harmless.
 */
export const gateEvaluationJob = defineJob({
  queue: "gate-evaluations",
  name: "gate-evaluation",
  schema: gateEvaluationPayload,
  handler: async () => (await import("@/server/jobs/handlers/gate-evaluation")).handleGateEvaluation,
  defaults: { attempts: 1, removeOnComplete: 1000, removeOnFail: 1000 },
  concurrency: 1,
  singleFlightKey: (payload) => payload.evaluationId,
});

export const gateEvaluationJobId = (evaluationId: string) => `gate-evaluation-${evaluationId}`;

/** Queues an evaluation's job, removing first an ended job of the same id (BullMQ would ignore the add). */
export async function enqueueGateEvaluation(evaluationId: string) {
  const jobId = gateEvaluationJobId(evaluationId);
  const ended = await queueFor(gateEvaluationJob.queue).getJob(jobId);
  if (ended && ((await ended.isCompleted()) || (await ended.isFailed()))) await ended.remove();
  return enqueue(gateEvaluationJob, { evaluationId }, { jobId });
}
