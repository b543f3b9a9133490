import type { z } from "zod";
import { labelDelayInput } from "@/contracts/registry";
import type { ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import { modelNotFound } from "@/server/services/registry/find-model";
import { parseInput } from "@/server/services/parse-input";
import { modelRefSchema, type labelDelayOutput } from "@/server/services/registry/schemas";

/** Sets how long the model's ground truth takes to arrive (A/B outcome metrics wait that long). Audited. */
export async function setLabelDelay(
  ctx: ServiceContext,
  name: string,
  rawInput: z.input<typeof labelDelayInput>,
): Promise<z.infer<typeof labelDelayOutput>> {
  const modelName = parseInput(modelRefSchema, name);
  const input = parseInput(labelDelayInput, rawInput);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.registeredModel.findUnique({
      where: { name: modelName },
      select: { id: true, labelDelayMinutes: true },
    });
    if (!before) throw modelNotFound(modelName);
    const after = await tx.registeredModel.update({
      where: { id: before.id },
      data: { labelDelayMinutes: input.labelDelayMinutes },
      select: { name: true, labelDelayMinutes: true },
    });
    await recordAudit(tx, ctx.actor, {
      action: "model.label-delay",
      entityType: "RegisteredModel",
      entityId: before.id,
      before: { labelDelayMinutes: before.labelDelayMinutes },
      after: { labelDelayMinutes: after.labelDelayMinutes },
    });
    return { model: after.name, labelDelayMinutes: after.labelDelayMinutes };
  });
}
