import type { Db } from "@/server/db/client";
import type { PrometheusSource } from "@/server/services/cost/prometheus-source";
import { checkBudgets } from "@/server/services/cost/budget-alerts";

/** Budget alerts are upserted by team and month, so a retried or overlapping run changes nothing twice. */
export async function handleCostRollup(db: Db, prometheus: PrometheusSource, now = new Date()) {
  const result = await checkBudgets({ db }, prometheus, now);
  if (result.raised.length + result.resolved.length > 0) {
    console.log(`[worker] cost-rollup ${result.month}: ${result.raised.length} budget alert(s) open, ${result.resolved.length} resolved`);
  }
  return result;
}
