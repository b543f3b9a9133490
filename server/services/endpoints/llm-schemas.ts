import { z } from "zod";
import { deploymentTargetKindSchema } from "@/contracts/enums";
import { costWindowInput, promQueryOutput } from "@/server/services/cost/schemas";

export const llmMetricsInput = z.object({
  endpointId: z.string().min(1),
  window: costWindowInput.default({ range: "1h" }),
});
export type LlmMetricsInput = z.input<typeof llmMetricsInput>;

/** A measured number, or null when nothing was measured (never 0 in its place). */
const measured = z.number().nullable();

/** One variant's vLLM readings: latencies in seconds, the KV cache's use as a fraction (0–1). */
export const llmVariantMetricsOutput = z.object({
  variant: z.string(),
  requests: measured,
  ttftP95: measured,
  interTokenP95: measured,
  e2eP95: measured,
  queueP95: measured,
  queueMean: measured,
  waiting: measured,
  running: measured,
  kvCacheUsage: measured,
  promptTokens: measured,
  generationTokens: measured,
});

export const llmCostOutput = z.object({
  /** What the endpoint's instances cost over the window, from the instance gauge and the price table. */
  usd: measured,
  usdPerHourNow: measured,
  /** Prompt and generated tokens over the window, all variants. */
  tokens: measured,
  usdPer1MTokens: measured,
  /** Instance types the endpoint ran on that have no price (then no dollar figure is given). */
  unpricedInstanceTypes: z.array(z.string()),
});

export const llmMetricsOutput = z.object({
  endpoint: z.object({ id: z.string(), name: z.string(), target: deploymentTargetKindSchema }),
  /** Whether the endpoint serves a vLLM model; the rest is empty when not. */
  llm: z.boolean(),
  /** Why vLLM's series are not read for this endpoint (they are read from Kubernetes pods only). */
  unsupported: z.string().nullable(),
  window: z.object({ start: z.date(), end: z.date() }),
  /** Whether any vLLM series of this endpoint was found in Prometheus. */
  measured: z.boolean(),
  variants: z.array(llmVariantMetricsOutput),
  cost: llmCostOutput,
  promql: z.array(promQueryOutput),
});
export type LlmMetrics = z.infer<typeof llmMetricsOutput>;
export type LlmVariantMetrics = z.infer<typeof llmVariantMetricsOutput>;
