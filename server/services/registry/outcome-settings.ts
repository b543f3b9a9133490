import type { z } from "zod";
import { badRequest, conflict } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import { recordAudit } from "@/server/services/audit/record-audit";
import { modelNotFound } from "@/server/services/registry/find-model";
import { parseInput } from "@/server/services/parse-input";
import { modelRefSchema, type outcomeSettingsOutput } from "@/server/services/registry/schemas";
import { outcomeSettingsInput } from "@/contracts/registry";
import { classesOf } from "@/contracts/outcomes";

const sameClasses = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((name, i) => name === b[i]);

/**
 * Sets a classifier's classes and decision threshold. Classes cannot change once ground truth names them: stored
 * outcomes and labels would then mean something else. A new threshold applies to outcomes recorded from then on
 * (each outcome keeps the class the model was taken to predict when it was recorded).
 */
export async function setOutcomeSettings(
  ctx: ServiceContext,
  name: string,
  rawInput: z.input<typeof outcomeSettingsInput>,
): Promise<z.infer<typeof outcomeSettingsOutput>> {
  const modelName = parseInput(modelRefSchema, name);
  const input = parseInput(outcomeSettingsInput, rawInput);
  return ctx.db.$transaction(async (tx) => {
    const before = await tx.registeredModel.findUnique({
      where: { name: modelName },
      select: { id: true, taskType: true, outcomeClasses: true, decisionThreshold: true },
    });
    if (!before) throw modelNotFound(modelName);
    if (before.taskType !== "CLASSIFICATION")
      throw badRequest("Only classifiers have classes and a decision threshold");
    const classesChange =
      input.outcomeClasses !== undefined &&
      !sameClasses(classesOf(input.outcomeClasses), classesOf(before.outcomeClasses));
    if (classesChange) {
      const outcomes = await tx.predictionOutcome.count({ where: { endpoint: { modelId: before.id } }, take: 1 });
      if (outcomes > 0) {
        throw conflict("Ground truth already names this model's classes; a new set of classes needs a new model");
      }
    }
    const after = await tx.registeredModel.update({
      where: { id: before.id },
      data: { outcomeClasses: input.outcomeClasses, decisionThreshold: input.decisionThreshold },
      select: { name: true, outcomeClasses: true, decisionThreshold: true },
    });
    await recordAudit(tx, ctx.actor, {
      action: "model.outcome-settings",
      entityType: "RegisteredModel",
      entityId: before.id,
      before: { classes: classesOf(before.outcomeClasses), decisionThreshold: before.decisionThreshold },
      after: { classes: classesOf(after.outcomeClasses), decisionThreshold: after.decisionThreshold },
    });
    return {
      model: after.name,
      classes: [...classesOf(after.outcomeClasses)],
      decisionThreshold: after.decisionThreshold,
    };
  });
}
