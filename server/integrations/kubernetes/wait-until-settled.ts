import { setTimeout as sleep } from "node:timers/promises";
import type { EndpointState } from "@/server/integrations/targets/deployment-target";

const MAX_POLL_MS = 15_000;
const BACKOFF = 1.5;

export type WaitOptions = { timeoutMs: number; pollMs?: number; signal?: AbortSignal };

/**
 * Describes the endpoint until it is healthy or failed, waiting a little longer after each look (up to 15 s) and never
 * past the deadline; then answers with the last state. An abort rejects with the signal's reason at once.
 */
export async function waitUntilSettled(
  describe: () => Promise<EndpointState>,
  { timeoutMs, pollMs = 1000, signal }: WaitOptions,
): Promise<EndpointState> {
  const deadline = Date.now() + timeoutMs;
  let delay = pollMs;
  for (;;) {
    signal?.throwIfAborted();
    const state = await describe();
    const remaining = deadline - Date.now();
    if (state.status === "healthy" || state.status === "failed" || remaining <= 0) return state;
    await sleep(Math.min(delay, remaining), undefined, { signal });
    delay = Math.min(delay * BACKOFF, Math.max(pollMs, MAX_POLL_MS));
  }
}
