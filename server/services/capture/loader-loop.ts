import { setTimeout as sleep } from "node:timers/promises";
import type { CaptureLoader } from "@/server/services/capture/loader";

export type LoaderLoopOptions = {
  /** How often abandoned entries (other consumers') are claimed and long-idle consumers forgotten. */
  claimEveryMs: number;
  /** The wait after a failure (Redis or PostgreSQL down) before trying again; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  onError?: (error: unknown) => void;
};

/**
 * Runs the loader until `signal` aborts: claims abandoned entries every claimEveryMs, otherwise reads and loads
 * batches. A failure (a dependency down) never ends the loop: it waits, rewinds to its own pending entries and goes on.
 */
export async function runLoaderLoop(loader: CaptureLoader, signal: AbortSignal, options: LoaderLoopOptions) {
  const baseBackoff = options.backoffMs ?? 500;
  let backoff = baseBackoff;
  let nextClaim = 0;
  await loader.ensureGroup().catch((error: unknown) => options.onError?.(error));
  while (!signal.aborted) {
    try {
      if (Date.now() >= nextClaim) {
        await loader.ensureGroup();
        await loader.claimAbandoned();
        await loader.forgetIdleConsumers();
        nextClaim = Date.now() + options.claimEveryMs;
      }
      await loader.loadOnce();
      backoff = baseBackoff;
    } catch (error) {
      options.onError?.(error);
      loader.rewind();
      nextClaim = 0;
      await sleep(backoff, undefined, { signal }).catch(() => undefined);
      backoff = Math.min(backoff * 2, options.maxBackoffMs ?? 10_000);
    }
  }
}
