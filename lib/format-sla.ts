import type { ServingSla } from "@/contracts/serving-modes";
import { formatBytes } from "@/lib/format";

export const formatSeconds = (value: number) => `${value.toLocaleString("en-US")} s`;
export const formatLatency = (ms: number) => (ms >= 1000 ? formatSeconds(ms / 1000) : `${ms} ms`);

/** "payload ≤ 8.0 MB, timeout 30 s, p99 200 ms" — an SLA in one line. */
export function describeSla(sla: ServingSla): string {
  const parts = [
    sla.maxPayloadBytes !== undefined && `payload ≤ ${formatBytes(sla.maxPayloadBytes)}`,
    sla.timeoutSeconds !== undefined && `timeout ${formatSeconds(sla.timeoutSeconds)}`,
    sla.latencyP99Ms !== undefined && `p99 ${formatLatency(sla.latencyP99Ms)}`,
  ].filter((part) => part !== false);
  return parts.length > 0 ? parts.join(", ") : "nothing declared";
}
