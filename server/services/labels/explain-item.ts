import type { z } from "zod";
import { AppError, conflict, notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import { explainerOfArtifact } from "@/server/services/explanations/version-explainer";
import { itemIdInput, type ItemExplanation } from "@/server/services/labels/schemas";
import { parseInput } from "@/server/services/parse-input";

function featureValues(inputs: unknown, featureNames: readonly string[]): Float64Array {
  const row = inputs !== null && typeof inputs === "object" && !Array.isArray(inputs) ? inputs : {};
  return Float64Array.from(featureNames, (name) => {
    const value = (row as Record<string, unknown>)[name];
    if (typeof value !== "number" || !Number.isFinite(value))
      throw new AppError(
        "UNPROCESSABLE",
        `The prediction's feature "${name}" is not a number it can be explained with`,
      );
    return value;
  });
}

/**
 * Why the model answered what it did for a label item: exact attributions from the very version that predicted it
 * (its stored ONNX model, explained in the portal, so it works after the endpoint has moved on), for the features the
 * item keeps. Items still being labelled are refused: annotators label blind, and an explanation names the answer.
 */
export async function explainLabelItem(
  ctx: Pick<ServiceContext, "db" | "artifacts">,
  rawInput: z.input<typeof itemIdInput>,
): Promise<ItemExplanation> {
  const { itemId } = parseInput(itemIdInput, rawInput);
  const item = await ctx.db.labelItem.findUnique({
    where: { id: itemId },
    select: { status: true, versionId: true, inputs: true },
  });
  if (!item) throw notFound("Label item");
  if (item.status === "LABELLING")
    throw conflict("This item is still being labelled blind: its explanation is shown once it reaches review");
  if (!item.versionId) throw new AppError("UNPROCESSABLE", "The model version that made this prediction is not known");
  const version = await ctx.db.modelVersion.findUnique({
    where: { id: item.versionId },
    select: { version: true, format: true, model: { select: { name: true } }, artifact: true },
  });
  if (!version?.artifact)
    throw new AppError("UNPROCESSABLE", "The version that made this prediction has no model file");
  if (version.format !== "ONNX")
    throw new AppError("UNPROCESSABLE", `Explanations need an ONNX model; this version is ${version.format}`);
  const explainer = await explainerOfArtifact(ctx, version.artifact);
  const x = featureValues(item.inputs, explainer.featureNames);
  const { attributions, expectedValue, output } = explainer.explain(x);
  return {
    modelName: version.model.name,
    modelVersion: version.version,
    features: Object.fromEntries(explainer.featureNames.map((name, f) => [name, x[f]!])),
    explanation: {
      attributions: Object.fromEntries(explainer.featureNames.map((name, f) => [name, attributions[f]!])),
      expectedValue,
      output,
      outputSpace: explainer.outputSpace,
      method: explainer.method,
    },
  };
}
