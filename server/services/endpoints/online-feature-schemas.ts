import { z } from "zod";
import { costWindowInput, promQueryOutput } from "@/server/services/cost/schemas";

export const onlineFeatureMetricsInput = z.object({
  endpointId: z.string().min(1),
  window: costWindowInput.default({ range: "1h" }),
});

export const FEATURE_STAGES = ["request_features", "feature_lookup", "inference", "fallback"] as const;

/** A measured number, or null when nothing was measured (never 0 in its place). */
const measured = z.number().nullable();

export const onlineFeatureMetricsOutput = z.object({
  window: z.object({ start: z.date(), end: z.date() }),
  /** Rows by where their stored features were read, over the window. */
  rows: z.object({ hot: measured, cold: measured, unavailable: measured }),
  /** Rows the fallback rules answered, by reason. */
  fallback: z.object({ model_failed: measured, features_unavailable: measured }),
  /** p95 seconds per stage over the window. */
  stageP95: z.object({ request_features: measured, feature_lookup: measured, inference: measured, fallback: measured }),
  promql: z.array(promQueryOutput),
});
export type OnlineFeatureMetrics = z.infer<typeof onlineFeatureMetricsOutput>;
