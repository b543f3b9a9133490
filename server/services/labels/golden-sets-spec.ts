import { classesOf, type OutcomeSpec } from "@/contracts/outcomes";
import { signatureSchema, type Signature } from "@/contracts/signature";
import type { TaskType } from "@/server/db/generated/enums";
import { badRequest } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";

/** How a model's predictions and golden outcomes compare: classes for classifiers, numbers for regressors. */
export function outcomeSpecOf(model: {
  taskType: TaskType;
  outcomeClasses: string[];
  decisionThreshold: number;
}): OutcomeSpec {
  if (model.taskType === "CLASSIFICATION")
    return {
      kind: "classification",
      classes: classesOf(model.outcomeClasses),
      decisionThreshold: model.decisionThreshold,
    };
  if (model.taskType === "REGRESSION") return { kind: "regression" };
  throw badRequest(`Golden sets are for classifiers and regressors; this model is ${model.taskType.toLowerCase()}`);
}

/** A version's signature, or a 400 saying the version has none a golden set could be checked against. */
export function signatureOf(version: { version: number; signature: unknown }): Signature {
  const parsed = signatureSchema.safeParse(version.signature);
  if (!parsed.success) throw badRequest(`Version ${version.version} has no signature to check golden rows against`);
  return parsed.data;
}

/** The model with its latest version, which golden rows are validated against. */
export async function modelWithLatestVersion(ctx: ReadContext, modelName: string) {
  const model = await ctx.db.registeredModel.findUnique({
    where: { name: modelName },
    select: {
      id: true,
      name: true,
      taskType: true,
      outcomeClasses: true,
      decisionThreshold: true,
      versions: { orderBy: { version: "desc" }, take: 1, select: { id: true, version: true, signature: true } },
    },
  });
  return model;
}
