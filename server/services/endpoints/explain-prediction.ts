import { z } from "zod";
import { explainResponseSchema } from "@/contracts/explanations";
import { AppError, notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { errorBody, runtimeUnreachable, type RuntimeErrorBody } from "@/server/services/endpoints/runtime-answer";
import { explainPredictionInput, type ExplainPredictionResult } from "@/server/services/endpoints/schemas";

/** Exact TreeSHAP is costlier than a prediction, but 100 rows still take well under this. */
const EXPLAIN_TIMEOUT_MS = 30_000;

export const NO_EXPLANATION_DATA = "This model was not exported with explanation data";

/** The runtime's refusal in the portal's terms; a model without explanation metadata is the caller's 422, not ours. */
function runtimeFailure(endpointName: string, status: number, body: RuntimeErrorBody): AppError {
  const message = body.error ?? `status ${status}`;
  if (status === 400) return new AppError("BAD_REQUEST", message, { field: body.field, rowIndex: body.rowIndex });
  if (status === 422) return new AppError("UNPROCESSABLE", `${NO_EXPLANATION_DATA} (${message})`);
  if (status === 404)
    return new AppError("CONFLICT", `The local runtime does not serve ${endpointName} (yet): ${message}`);
  return new AppError("UNAVAILABLE", `The local runtime could not explain for ${endpointName} (${status}): ${message}`);
}

/**
 * Feature attributions for rows sent to an endpoint: per row, how much each feature moved the model's output away
 * from its expected value (they add up to output − expectedValue, in the output space the runtime names). Computed by
 * the Modelport runtime, so only endpoints on the local target can explain; explanations are not predictions, so they
 * are neither captured nor counted as traffic.
 */
export async function explainPrediction(
  ctx: Pick<ServiceContext, "db" | "runtime">,
  rawInput: z.input<typeof explainPredictionInput>,
): Promise<ExplainPredictionResult> {
  const input = parseInput(explainPredictionInput, rawInput);
  const endpoint = await ctx.db.endpoint.findUnique({
    where: { id: input.endpointId },
    select: { name: true, target: true },
  });
  if (!endpoint) throw notFound("Endpoint");
  if (endpoint.target !== "LOCAL")
    throw new AppError(
      "BAD_REQUEST",
      `Explanations are served by the Modelport runtime only; this endpoint is on the ${endpoint.target.toLowerCase()} target`,
    );

  let response: Response;
  try {
    response = await ctx.runtime.explain(
      endpoint.name,
      { rows: input.rows, ...(input.variant && { variant: input.variant }) },
      EXPLAIN_TIMEOUT_MS,
    );
  } catch (error) {
    throw runtimeUnreachable(ctx.runtime.baseUrl, error);
  }
  if (!response.ok) throw runtimeFailure(endpoint.name, response.status, await errorBody(response));
  const answer = explainResponseSchema.safeParse(await response.json().catch(() => null));
  if (!answer.success)
    throw new AppError("UNAVAILABLE", `The local runtime's explanation for ${endpoint.name} is not in its format`);
  const result = answer.data;
  return { variant: result.variant, modelVersion: result.modelVersion ?? null, explanations: result.explanations };
}
