import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { z } from "zod";
import { explainRequestSchema, type ExplainResponse, type RowExplanation } from "@/contracts/explanations";
import { ExplainUnavailableError, type Explainer } from "@/lib/explain/explainer";
import { badRequest, notFound, RuntimeError, unprocessable } from "@/runtime/errors";
import type { RuntimeMetrics } from "@/runtime/metrics";
import type { Endpoint, EndpointRegistry } from "@/runtime/serving/endpoint-registry";
import { assembleRows, type FeatureStores } from "@/runtime/features/feature-lookup";
import { chooseVariant } from "@/runtime/serving/predict";
import { validateRows, type ValidatedRow } from "@/runtime/serving/signature-validation";
import type { Variant } from "@/runtime/serving/variant";

/** Explaining is CPU work on the HTTP thread: it gives predictions a turn after about this long. */
const SLICE_MS = 5;

function parseRequest(body: unknown) {
  const parsed = explainRequestSchema.safeParse(body);
  if (!parsed.success) throw badRequest(z.prettifyError(parsed.error), { issues: parsed.error.issues });
  const { row, rows, ...rest } = parsed.data;
  return { ...rest, rows: rows ?? [row] };
}

function explainerOf(variant: Variant): Explainer {
  if (variant.explainer.ok) return variant.explainer.explainer;
  const { error } = variant.explainer;
  if (error instanceof ExplainUnavailableError)
    throw unprocessable(`Variant "${variant.config.variantName}": ${error.message}`, {
      variant: variant.config.variantName,
    });
  throw error;
}

/** Where each of the explainer's features is in a validated row (signature order); numeric inputs only. */
function featureColumns(explainer: Explainer, variant: Variant): number[] {
  const inputs = variant.config.signature.inputs;
  return explainer.featureNames.map((name) => {
    const index = inputs.findIndex((input) => input.name === name);
    const type = inputs[index]?.type;
    if (index < 0 || (type !== "float32" && type !== "float64" && type !== "int64"))
      throw unprocessable(
        `Variant "${variant.config.variantName}": its model's feature "${name}" is not a numeric input of its signature`,
      );
    return index;
  });
}

async function explainRows(explainer: Explainer, columns: number[], rows: ValidatedRow[]): Promise<RowExplanation[]> {
  const explanations: RowExplanation[] = [];
  const x = new Float64Array(columns.length);
  let sliceStarted = performance.now();
  for (const row of rows) {
    columns.forEach((column, f) => (x[f] = Number(row[column])));
    const { attributions, expectedValue, output } = explainer.explain(x);
    explanations.push({
      attributions: Object.fromEntries(explainer.featureNames.map((name, f) => [name, attributions[f]!])),
      expectedValue,
      output,
      outputSpace: explainer.outputSpace,
      method: explainer.method,
    });
    if (performance.now() - sliceStarted > SLICE_MS) {
      await yieldToEventLoop();
      sliceStarted = performance.now();
    }
  }
  return explanations;
}

/**
 * Explains rows with one variant of an endpoint: the one named in the request, or the one a prediction with the same
 * routing key would go to. Attributions are computed on demand from the structure parsed when the variant loaded.
 */
/** With a feature lookup, the rows as the model sees them (the features predict would look up); else as sent. */
async function lookedUp(endpoint: Endpoint, rows: unknown[], stores: FeatureStores | undefined): Promise<unknown[]> {
  const lookup = endpoint.onlineFeatures?.lookup;
  if (!lookup) return rows;
  if (!stores)
    throw new RuntimeError(503, `Endpoint "${endpoint.name}" looks up features, but this runtime has no feature store`);
  const assembled = await assembleRows(lookup, rows, stores, () => {});
  if (assembled.unavailable)
    throw new RuntimeError(503, "Stored features could be read from neither Redis nor PostgreSQL: nothing to explain");
  return assembled.rows;
}

export async function explain(
  registry: Pick<EndpointRegistry, "get">,
  metrics: RuntimeMetrics,
  request: { endpointName: string; body: unknown; routingKeyHeader?: string },
  featureStores?: FeatureStores,
): Promise<ExplainResponse> {
  const endpoint = registry.get(request.endpointName);
  if (!endpoint) {
    metrics.explainRequests.inc({ endpoint: "(unknown)", variant: "", status: "404" });
    throw notFound(`No endpoint named "${request.endpointName}"`);
  }
  let variantName = "";
  let status = 200;
  try {
    const body = parseRequest(request.body);
    let variant: Variant | undefined;
    if (body.variant !== undefined) {
      variant = endpoint.variants.find((v) => v.config.variantName === body.variant);
      if (!variant) throw notFound(`Endpoint "${endpoint.name}" has no variant "${body.variant}"`);
    } else {
      variant = chooseVariant(endpoint.live, request.routingKeyHeader ?? body.routingKey, endpoint.routing?.salt);
      if (!variant) throw new RuntimeError(503, `Endpoint "${endpoint.name}" has no variant with traffic`);
    }
    variantName = variant.config.variantName;
    const explainer = explainerOf(variant);
    const rows = validateRows(await lookedUp(endpoint, body.rows, featureStores), variant.config.signature.inputs);
    const explanations = await explainRows(explainer, featureColumns(explainer, variant), rows);
    metrics.explainedRows.inc({ endpoint: endpoint.name, variant: variantName }, explanations.length);
    return {
      endpoint: endpoint.name,
      variant: variantName,
      modelName: variant.config.modelName,
      modelVersion: variant.config.modelVersion,
      explanations,
    };
  } catch (error) {
    status = error instanceof RuntimeError ? error.status : 500;
    throw error;
  } finally {
    metrics.explainRequests.inc({ endpoint: endpoint.name, variant: variantName, status: String(status) });
  }
}
