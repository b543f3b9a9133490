import type { InstantSample } from "@/server/integrations/prometheus/client";
import { endpointObjectName, kubernetesName } from "@/server/integrations/kubernetes/object-names";
import { notFound } from "@/server/errors";
import type { MetricsContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { dollarsFor } from "@/server/services/cost/cost-math";
import { costWindow, measureUsage } from "@/server/services/cost/cost-overview";
import { POD_VARIANT_LABEL } from "@/server/services/cost/cost-queries";
import { priceTable } from "@/server/services/cost/pricing";
import type { PromQuery, VariantUsage } from "@/server/services/cost/schemas";
import { queryAll } from "@/server/services/latency/queries";
import { llmQueries } from "@/server/services/endpoints/llm-queries";
import {
  llmMetricsInput,
  type LlmMetrics,
  type LlmMetricsInput,
  type LlmVariantMetrics,
} from "@/server/services/endpoints/llm-schemas";

const TOKENS_PER_UNIT = 1_000_000;

type Readings = Record<string, InstantSample[]>;

const finiteOrNull = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value : null);

async function loadEndpoint(ctx: Pick<MetricsContext, "db">, endpointId: string) {
  const endpoint = await ctx.db.endpoint.findUnique({
    where: { id: endpointId },
    select: {
      id: true,
      name: true,
      target: true,
      model: { select: { taskType: true } },
      variants: { select: { variantName: true, version: { select: { format: true } } } },
    },
  });
  if (!endpoint) throw notFound("Endpoint");
  return endpoint;
}

/** One row per variant label found in any reading, named as the registry names the variant when it still serves. */
function variantRows(readings: Readings, variantNames: string[]): LlmVariantMetrics[] {
  const byLabel = new Map(variantNames.map((name) => [kubernetesName(name), name]));
  const labels = new Set(
    Object.values(readings).flatMap((samples) => samples.map((s) => s.metric[POD_VARIANT_LABEL] ?? "")),
  );
  const value = (name: string, label: string) =>
    finiteOrNull(readings[name]?.find((s) => (s.metric[POD_VARIANT_LABEL] ?? "") === label)?.value);
  return [...labels]
    .map((label) => ({
      variant: byLabel.get(label) ?? label,
      requests: value("requests", label),
      ttftP95: value("ttftP95", label),
      interTokenP95: value("interTokenP95", label),
      e2eP95: value("e2eP95", label),
      queueP95: value("queueP95", label),
      queueMean: value("queueMean", label),
      waiting: value("waiting", label),
      running: value("running", label),
      kvCacheUsage: value("kvCacheUsage", label),
      promptTokens: value("promptTokens", label),
      generationTokens: value("generationTokens", label),
    }))
    .sort((a, b) => a.variant.localeCompare(b.variant));
}

/**
 * Dollars per million tokens: the endpoint's instance cost over the window (instance-seconds × hourly price, as the
 * cost dashboard counts it) over the tokens its pods prompted and generated in the same window. Null, never a guess,
 * when no tokens, no instance time or no price was measured.
 */
export function llmCost(usage: VariantUsage[], prices: Map<string, number>, tokens: number | null): LlmMetrics["cost"] {
  const unpricedInstanceTypes = [...new Set(usage.map((u) => u.instanceType).filter((type) => !prices.has(type)))];
  const priced = usage.length > 0 && unpricedInstanceTypes.length === 0;
  const price = (type: string) => prices.get(type) ?? 0;
  const usd = priced ? usage.reduce((sum, u) => sum + dollarsFor(u.instanceSeconds, price(u.instanceType)), 0) : null;
  const usdPerHourNow = priced ? usage.reduce((sum, u) => sum + u.instancesNow * price(u.instanceType), 0) : null;
  return {
    usd,
    usdPerHourNow,
    tokens,
    usdPer1MTokens: usd !== null && tokens !== null && tokens > 0 ? (usd / tokens) * TOKENS_PER_UNIT : null,
    unpricedInstanceTypes,
  };
}

const sumOf = (rows: LlmVariantMetrics[], pick: (row: LlmVariantMetrics) => number | null) => {
  const values = rows.map(pick).filter((v): v is number => v !== null);
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) : null;
};

/**
 * An LLM endpoint's serving numbers from vLLM's own Prometheus series: time to first token, inter-token latency and
 * end-to-end p95, queue time, waiting and running requests, KV-cache use and tokens per variant, and the endpoint's
 * cost in dollars per million tokens. Every number comes with the PromQL that produced it.
 */
export async function llmEndpointMetrics(
  ctx: Pick<MetricsContext, "db" | "prometheus">,
  rawInput: LlmMetricsInput,
): Promise<LlmMetrics> {
  const input = parseInput(llmMetricsInput, rawInput);
  const endpoint = await loadEndpoint(ctx, input.endpointId);
  const window = costWindow(input.window);
  const llm = endpoint.model.taskType === "LLM" || endpoint.variants.some((v) => v.version.format === "VLLM");
  const unsupported =
    endpoint.target === "KUBERNETES"
      ? null
      : "vLLM's metrics are read from the serving pods of Kubernetes endpoints; this endpoint is not on Kubernetes";
  const base = {
    endpoint: { id: endpoint.id, name: endpoint.name, target: endpoint.target },
    llm,
    unsupported,
    window: { start: window.start, end: window.end },
  };
  if (!llm || unsupported)
    return { ...base, measured: false, variants: [], cost: llmCost([], new Map(), null), promql: [] };

  const queries = llmQueries(endpointObjectName(endpoint.name), window.rangeSeconds);
  const [overWindow, now, { usage, promql: usageQueries }, prices] = await Promise.all([
    queryAll(queries.window, (q) => ctx.prometheus.query(q, window.evaluationTime)),
    queryAll(queries.now, (q) => ctx.prometheus.query(q, window.requestedEnd)),
    measureUsage(ctx.prometheus, window),
    priceTable(ctx),
  ]);
  const variants = variantRows(
    { ...overWindow, ...now },
    endpoint.variants.map((v) => v.variantName),
  );
  const prompt = sumOf(variants, (row) => row.promptTokens);
  const generated = sumOf(variants, (row) => row.generationTokens);
  const tokens = prompt === null && generated === null ? null : (prompt ?? 0) + (generated ?? 0);
  const promql: PromQuery[] = [
    ...Object.entries(queries.window).map(([label, q]) => ({ label, promql: q, time: window.evaluationTime })),
    ...Object.entries(queries.now).map(([label, q]) => ({ label, promql: q, time: window.requestedEnd })),
    ...usageQueries,
  ];
  return {
    ...base,
    measured: variants.length > 0,
    variants,
    cost: llmCost(
      usage.filter((u) => u.endpoint === endpoint.name),
      prices,
      tokens,
    ),
    promql,
  };
}
