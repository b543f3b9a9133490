import { checkBudgets } from "@/server/services/cost/budget-alerts";
import type { SystemContext } from "@/server/services/context";
import { log } from "@/server/logging/logger";

/** Budget alerts, upserted by team and month, so a retried or overlapping run changes nothing twice. */
export async function handleCostForecast(_payload: unknown, context: SystemContext) {
  const budgets = await checkBudgets(context);
  if (budgets.raised.length + budgets.resolved.length > 0) {
    log().info(
      `[worker] cost-forecast ${budgets.month}: ${budgets.raised.length} budget alert(s) open, ${budgets.resolved.length} resolved`,
    );
  }
  return budgets;
}
