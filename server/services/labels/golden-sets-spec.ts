import type { OutcomeSpec } from "@/contracts/outcomes";
import { signatureSchema, type Signature } from "@/contracts/signature";
import { badRequest } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import { outcomeSpecOf, type ModelRow } from "@/server/services/labels/model-spec";

/**
 * How a model's predictions and golden outcomes compare (model-spec.ts's outcomeSpecOf), for the models golden sets
 * are for: classifiers and regressors; anything else is a 400.
 */
export function goldenSetSpecOf(model: ModelRow): OutcomeSpec {
  if (model.taskType !== "CLASSIFICATION" && model.taskType !== "REGRESSION")
    throw badRequest(`Golden sets are for classifiers and regressors; this model is ${model.taskType.toLowerCase()}`);
  return outcomeSpecOf(model);
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
