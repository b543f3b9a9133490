import { z } from "zod";
import type { PredictResponse } from "@/contracts/runtime-predict";
import { AppError, notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { sendPredictionInput, type SendPredictionResult } from "@/server/services/endpoints/schemas";
import { errorBody, runtimeUnreachable, type RuntimeErrorBody } from "@/server/services/endpoints/runtime-answer";
import { predictOnComponents } from "@/server/services/endpoints/predict-on-components";

const PREDICT_TIMEOUT_MS = 30_000;

/** The runtime's refusal in the portal's terms: a bad row stays a 400 that names the field. */
function runtimeFailure(endpointName: string, status: number, body: RuntimeErrorBody): AppError {
  const message = body.error ?? `status ${status}`;
  if (status === 400) return new AppError("BAD_REQUEST", message, { field: body.field, rowIndex: body.rowIndex });
  // E.g. an entity the feature store holds nothing for: the request is well formed, its data unknown.
  if (status === 422) return new AppError("UNPROCESSABLE", message, { rowIndex: body.rowIndex });
  if (status === 404)
    return new AppError("CONFLICT", `The local runtime does not serve ${endpointName} (yet): ${message}`);
  return new AppError("UNAVAILABLE", `The local runtime could not answer for ${endpointName} (${status}): ${message}`);
}

/**
 * Sends rows to an endpoint as a client would, through the target that serves it, and answers with the
 * predictions, the variant that served them and the round trip measured from the portal. The local runtime, and a
 * SageMaker endpoint hosting inference components (by the version's component), are reachable from here; other
 * SageMaker and Kubernetes endpoints are called from inside their own networks.
 */
export async function sendPrediction(
  ctx: Pick<ServiceContext, "db" | "runtime" | "sageMakerPredictions">,
  rawInput: z.input<typeof sendPredictionInput>,
): Promise<SendPredictionResult> {
  const input = parseInput(sendPredictionInput, rawInput);
  const endpoint = await ctx.db.endpoint.findUnique({
    where: { id: input.endpointId },
    select: {
      name: true,
      target: true,
      componentHosting: true,
      variants: {
        orderBy: [{ weight: "desc" }, { variantName: "asc" }],
        select: { version: { select: { version: true, signature: true } } },
      },
    },
  });
  if (!endpoint) throw notFound("Endpoint");
  if (endpoint.target === "SAGEMAKER" && endpoint.componentHosting !== null)
    return predictOnComponents(ctx, endpoint, input.rows, input.version);
  if (input.version !== undefined)
    throw new AppError("BAD_REQUEST", "A version is chosen only on SageMaker endpoints hosting inference components", {
      field: "version",
    });
  if (endpoint.target !== "LOCAL")
    throw new AppError(
      "BAD_REQUEST",
      "Predictions from the portal reach the local runtime and SageMaker endpoints hosting inference components",
    );

  const started = performance.now();
  let response: Response;
  try {
    response = await ctx.runtime.predict(endpoint.name, input.rows, PREDICT_TIMEOUT_MS);
  } catch (error) {
    throw runtimeUnreachable(ctx.runtime.baseUrl, error);
  }
  if (!response.ok) throw runtimeFailure(endpoint.name, response.status, await errorBody(response));
  const result = (await response.json()) as PredictResponse;
  return {
    predictionId: result.predictionId,
    variant: result.variant,
    modelVersion: result.modelVersion ?? null,
    predictions: result.predictions,
    featureSources: result.featureSources ?? null,
    fallback: result.fallback ?? null,
    latencyMs: Math.round((performance.now() - started) * 10) / 10,
  };
}
