import type { ExplainMethod, OutputSpace } from "@/contracts/explanations";

/** Why a model cannot be explained exactly: the runtime answers 422 with the message, never made-up numbers. */
export class ExplainUnavailableError extends Error {
  override name = "ExplainUnavailableError";
}

/** One row's attributions, in feature order: sum(attributions) + expectedValue = output (in outputSpace). */
export type RawExplanation = { attributions: Float64Array; expectedValue: number; output: number };

/** A model's explanation structure, parsed once from its ONNX bytes. Rows are feature values in featureNames order. */
export type Explainer = {
  featureNames: string[];
  method: ExplainMethod;
  outputSpace: OutputSpace;
  explain: (row: ArrayLike<number>) => RawExplanation;
};
