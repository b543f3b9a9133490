import path from "node:path";
import type { z } from "zod";
import { env } from "@/server/env";
import type { gateEvaluationPayload } from "@/server/jobs/gate-evaluation";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";
import type { SystemContext } from "@/server/services/context";
import { runGateEvaluation } from "@/server/services/quality/gate/evaluate-gate";

/** Runs a golden-set gate evaluation; the local runtime reads each version's model from the local artifact store. */
export async function handleGateEvaluation(payload: z.infer<typeof gateEvaluationPayload>, context: SystemContext) {
  const store = new LocalArtifactStore(path.resolve(env().ARTIFACT_ROOT));
  const status = await runGateEvaluation(context, payload.evaluationId, (sha256) => store.blobPath(sha256));
  return { status };
}
