import { z } from "zod";
import { isUniqueViolation, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { AuditedContext } from "@/server/services/context";
import type { flagOutput } from "@/server/services/labels/schemas";
import { parseInput } from "@/server/services/parse-input";

export const flagPredictionInput = z.object({
  endpointName: z.string().min(1).max(200),
  predictionId: z.uuid(),
  reason: z.string().trim().min(1, "Say why the prediction needs a look").max(1_000),
  source: z.enum(["CALLER", "GUARDRAIL"]).default("CALLER"),
});

/**
 * Flags a prediction of an endpoint for human review (the sampler's FLAGGED stratum). Idempotent per (endpoint,
 * prediction, source): a repeat changes nothing and says so. The prediction need not be loaded yet (capture is
 * asynchronous); the sampler matches it when it is. Audited.
 */
export async function flagPrediction(
  ctx: AuditedContext,
  input: z.input<typeof flagPredictionInput>,
): Promise<z.infer<typeof flagOutput>> {
  const { endpointName, predictionId, reason, source } = parseInput(flagPredictionInput, input);
  return ctx.db.$transaction(async (tx) => {
    const endpoint = await tx.endpoint.findUnique({ where: { name: endpointName }, select: { id: true } });
    if (!endpoint) throw notFound(`Endpoint "${endpointName}"`);
    const existing = await tx.predictionFlag.findUnique({
      where: { endpointId_predictionId_source: { endpointId: endpoint.id, predictionId, source } },
    });
    if (existing) return { predictionId, created: false };
    const flag = await tx.predictionFlag
      .create({ data: { endpointId: endpoint.id, predictionId, reason, source, createdById: ctx.actor.userId } })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) return null;
        throw error;
      });
    if (!flag) return { predictionId, created: false };
    await recordAudit(tx, ctx.actor, {
      action: "labels.flag",
      entityType: "PredictionFlag",
      entityId: flag.id,
      after: { endpoint: endpointName, predictionId, reason, source },
    });
    return { predictionId, created: true };
  });
}
