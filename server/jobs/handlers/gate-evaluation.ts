import type { z } from "zod";
import type { gateEvaluationPayload } from "@/server/jobs/gate-evaluation";
import type { SystemContext } from "@/server/services/context";
import { runGateEvaluation } from "@/server/services/quality/gate/evaluate-gate";

/** Runs a golden-set gate evaluation; the local runtime loads each version's model from a file of the artifact store. */
export async function handleGateEvaluation(payload: z.infer<typeof gateEvaluationPayload>, context: SystemContext) {
  const status = await runGateEvaluation(context, payload.evaluationId, (sha256) =>
    context.artifacts.localFile(sha256),
  );
  return { status };
}
