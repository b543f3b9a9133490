import type { z } from "zod";
import type { ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import { modelNotFound } from "@/server/services/registry/find-model";
import { parseInput } from "@/server/services/parse-input";
import { modelRefSchema, type updatedModelOutput } from "@/server/services/registry/schemas";
import { updateModelInput } from "@/contracts/registry";

export async function updateModel(
  ctx: ServiceContext,
  name: string,
  rawInput: z.input<typeof updateModelInput>,
): Promise<z.infer<typeof updatedModelOutput>> {
  const modelName = parseInput(modelRefSchema, name);
  const input = parseInput(updateModelInput, rawInput);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.registeredModel.findUnique({
      where: { name: modelName },
      select: { id: true, description: true, tags: true },
    });
    if (!before) throw modelNotFound(modelName);
    const after = await tx.registeredModel.update({
      where: { id: before.id },
      data: { description: input.description, tags: input.tags },
      select: { id: true, name: true, description: true, tags: true, updatedAt: true },
    });
    await recordAudit(tx, ctx.actor, {
      action: "model.update",
      entityType: "RegisteredModel",
      entityId: before.id,
      before: { description: before.description, tags: before.tags },
      after: { description: after.description, tags: after.tags },
    });
    return after;
  });
}
