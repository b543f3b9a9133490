import type { Db } from "@/server/db/client";
import type { PrometheusSource } from "@/server/integrations/prometheus/client";
import { checkBudgets } from "@/server/services/cost/budget-alerts";
import { checkLatencySlos } from "@/server/services/monitoring/slo-alerts";

/**
 * The periodic alert pass: budget alerts (upserted by team and month) and latency-SLO alerts (one per endpoint), so
 * a retried or overlapping run changes nothing twice.
 */
export async function handleCostRollup(db: Db, prometheus: PrometheusSource, now = new Date()) {
  const [budgets, slos] = await Promise.all([
    checkBudgets({ db }, prometheus, now),
    checkLatencySlos({ db }, prometheus, now),
  ]);
  if (budgets.raised.length + budgets.resolved.length > 0) {
    console.log(
      `[worker] cost-rollup ${budgets.month}: ${budgets.raised.length} budget alert(s) open, ${budgets.resolved.length} resolved`,
    );
  }
  if (slos.raised.length + slos.resolved.length > 0) {
    console.log(
      `[worker] cost-rollup: ${slos.raised.length} latency-SLO alert(s) open, ${slos.resolved.length} resolved`,
    );
  }
  return { budgets, slos };
}
