import type { SystemContext } from "@/server/services/context";
import { watchAbTests } from "@/server/services/abtests/watch";
import { log } from "@/server/logging/logger";

/** One watch over the A/B tests; each test's look is its own, so one failing leaves the others analysed. */
export async function handleAbTestWatch(_payload: unknown, context: SystemContext) {
  const summary = await watchAbTests(context);
  for (const failure of summary.failed) log().error(`[worker] abtest-watch: ${failure.testId}: ${failure.reason}`);
  if (summary.stopped.length > 0)
    log().warn(`[worker] abtest-watch: took ${summary.stopped.join(", ")} off traffic (guardrail harm)`);
  return summary;
}
