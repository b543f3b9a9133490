import type { z } from "zod";
import { FALLBACK_REASONS, FEATURE_PATHS } from "@/contracts/online-features";
import { notFound } from "@/server/errors";
import { selector } from "@/server/integrations/prometheus/promql";
import type { MetricsContext } from "@/server/services/context";
import { costWindow } from "@/server/services/cost/cost-overview";
import { counterIncreaseQuery } from "@/server/services/cost/cost-queries";
import type { PromQuery } from "@/server/services/cost/schemas";
import {
  FEATURE_STAGES,
  onlineFeatureMetricsInput,
  type OnlineFeatureMetrics,
} from "@/server/services/endpoints/online-feature-schemas";
import { queryAll } from "@/server/services/latency/queries";
import { parseInput } from "@/server/services/parse-input";

function queries(endpoint: string, rangeSeconds: number) {
  const series = (name: string) => selector(name, { endpoint });
  return {
    rows: counterIncreaseQuery(series("modelport_runtime_feature_rows_total"), rangeSeconds, "path"),
    fallback: counterIncreaseQuery(series("modelport_runtime_fallback_rows_total"), rangeSeconds, "reason"),
    stageP95: `histogram_quantile(0.95, ${counterIncreaseQuery(
      series("modelport_runtime_stage_duration_seconds_bucket"),
      rangeSeconds,
      "le, stage",
    )})`,
  };
}

/** One number per label value, null where Prometheus measured nothing (or nothing finite). */
function byLabel<K extends string>(
  samples: Array<{ metric: Record<string, string>; value: number }>,
  label: string,
  keys: readonly K[],
) {
  const value = (key: K) => samples.find((s) => s.metric[label] === key)?.value;
  return Object.fromEntries(
    keys.map((key) => {
      const v = value(key);
      return [key, v !== undefined && Number.isFinite(v) ? v : null];
    }),
  ) as Record<K, number | null>;
}

/**
 * What an endpoint's online features did over a window, from the runtime's own series in Prometheus: rows by lookup
 * path, rows the fallback answered by reason, p95 per stage. Every number comes with the PromQL that produced it.
 */
export async function onlineFeatureMetrics(
  ctx: Pick<MetricsContext, "db" | "prometheus">,
  rawInput: z.input<typeof onlineFeatureMetricsInput>,
): Promise<OnlineFeatureMetrics> {
  const input = parseInput(onlineFeatureMetricsInput, rawInput);
  const endpoint = await ctx.db.endpoint.findUnique({ where: { id: input.endpointId }, select: { name: true } });
  if (!endpoint) throw notFound("Endpoint");
  const window = costWindow(input.window);
  const promql = queries(endpoint.name, window.rangeSeconds);
  // A live panel: the window ends at the time asked for (now), not at the last whole step as the cost charts do.
  const time = window.requestedEnd;
  const read = await queryAll(promql, (q) => ctx.prometheus.query(q, time));
  return {
    window: { start: new Date(time.getTime() - window.rangeSeconds * 1000), end: time },
    rows: byLabel(read.rows, "path", FEATURE_PATHS),
    fallback: byLabel(read.fallback, "reason", FALLBACK_REASONS),
    stageP95: byLabel(read.stageP95, "stage", FEATURE_STAGES),
    promql: Object.entries(promql).map(([label, q]): PromQuery => ({ label, promql: q, time })),
  };
}
