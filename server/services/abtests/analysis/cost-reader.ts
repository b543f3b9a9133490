import type { AbCost } from "@/contracts/abtest-analysis";
import { errorMessage } from "@/lib/error-message";
import { clampStep } from "@/server/integrations/prometheus/promql";
import type { MetricsContext } from "@/server/services/context";
import { alignWindow, dollarsFor, dollarsPerThousand } from "@/server/services/cost/cost-math";
import { measureUsage } from "@/server/services/cost/cost-overview";
import { predictionsQuery } from "@/server/services/cost/cost-queries";
import { priceTable } from "@/server/services/cost/pricing";

/** The cost domain's step for instance-seconds (cost-overview.ts uses the same). */
const COST_STEP_SECONDS = 15;

/**
 * $ per 1,000 predictions per arm over the window, computed as the cost domain does: instance-seconds of each variant
 * from the instance gauges × the instance type's hourly price, over the rows the local runtime predicted for that
 * variant (exact counter differences, cost-queries.ts). Per-variant predictions are only measured on the local runtime.
 */
export async function readCosts(
  ctx: Pick<MetricsContext, "db" | "prometheus">,
  endpoint: { name: string; target: string },
  variants: readonly string[],
  start: Date,
  end: Date,
): Promise<AbCost[]> {
  const none = (note: string) =>
    variants.map((variantName) => ({ variantName, usd: null, predictions: null, usdPer1k: null, note }));
  if (endpoint.target !== "LOCAL")
    return none("per-variant predictions are measured on the local runtime only; see the cost page for this endpoint");
  const step = clampStep(start.getTime() / 1000, end.getTime() / 1000, COST_STEP_SECONDS);
  const window = alignWindow(start, end, step);
  try {
    const [{ usage }, prices, predicted] = await Promise.all([
      measureUsage(ctx.prometheus, window),
      priceTable(ctx),
      ctx.prometheus.query(predictionsQuery(window.rangeSeconds), window.evaluationTime),
    ]);
    return variants.map((variantName) => {
      const own = usage.filter((u) => u.endpoint === endpoint.name && u.variant === variantName);
      const unpriced = own.find((u) => !prices.has(u.instanceType));
      const predictions = predicted
        .filter((s) => s.metric.endpoint === endpoint.name && s.metric.variant === variantName)
        .reduce((sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0), 0);
      if (own.length === 0)
        return {
          variantName,
          usd: null,
          predictions,
          usdPer1k: null,
          note: "no instance gauge for this variant in the window",
        };
      if (unpriced)
        return {
          variantName,
          usd: null,
          predictions,
          usdPer1k: null,
          note: `no price for instance type ${unpriced.instanceType}`,
        };
      const usd = own.reduce((sum, u) => sum + dollarsFor(u.instanceSeconds, prices.get(u.instanceType) ?? 0), 0);
      const usdPer1k = dollarsPerThousand(usd, predictions);
      return {
        variantName,
        usd,
        predictions,
        usdPer1k,
        note: usdPer1k === null ? "no predictions in the window" : null,
      };
    });
  } catch (error) {
    return none(`Prometheus unreachable: ${errorMessage(error)}`);
  }
}
