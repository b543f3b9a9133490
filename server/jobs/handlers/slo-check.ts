import type { SystemContext } from "@/server/services/context";
import { checkLatencySlos } from "@/server/services/slo/alerts";
import { log } from "@/server/logging/logger";

/** Latency-SLO alerts, one per endpoint, so a retried or overlapping run changes nothing twice. */
export async function handleSloCheck(_payload: unknown, context: SystemContext) {
  const slos = await checkLatencySlos(context);
  if (slos.raised.length + slos.resolved.length > 0) {
    log().info(`[worker] slo-check: ${slos.raised.length} latency-SLO alert(s) open, ${slos.resolved.length} resolved`);
  }
  return slos;
}
