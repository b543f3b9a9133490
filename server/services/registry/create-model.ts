import type { z } from "zod";
import { conflict, isUniqueViolation } from "@/server/errors";
import { owningTeamId } from "@/server/services/owning-team";
import type { ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import { parseInput } from "@/server/services/parse-input";
import { createModelInput } from "@/contracts/registry";
import type { createdModelOutput } from "@/server/services/registry/schemas";

const nameTaken = (name: string) => conflict(`A model named "${name}" already exists`);

export async function createModel(
  ctx: ServiceContext,
  rawInput: z.input<typeof createModelInput>,
): Promise<z.infer<typeof createdModelOutput>> {
  const input = parseInput(createModelInput, rawInput);
  const teamId = await owningTeamId(ctx, input.team, "model");
  const existing = await ctx.db.registeredModel.findUnique({ where: { name: input.name }, select: { id: true } });
  if (existing) throw nameTaken(input.name);
  try {
    return await ctx.db.$transaction(async (tx) => {
      const model = await tx.registeredModel.create({
        data: {
          name: input.name,
          teamId,
          taskType: input.taskType,
          tags: input.tags ?? [],
          description: input.description ?? "",
          outcomeClasses: input.outcomeClasses ?? [],
          decisionThreshold: input.decisionThreshold,
          createdById: ctx.actor.userId,
        },
        select: {
          id: true,
          name: true,
          taskType: true,
          tags: true,
          description: true,
          createdAt: true,
          team: { select: { name: true } },
        },
      });
      await recordAudit(tx, ctx.actor, {
        action: "model.create",
        entityType: "RegisteredModel",
        entityId: model.id,
        after: { name: model.name, team: model.team.name, taskType: model.taskType, tags: model.tags },
      });
      return { ...model, team: model.team.name };
    });
  } catch (error) {
    // Two people creating the same name at once: the loser gets the same answer as a sequential duplicate.
    if (isUniqueViolation(error)) throw nameTaken(input.name);
    throw error;
  }
}
