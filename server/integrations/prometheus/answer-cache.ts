import type { PrometheusSource } from "@/server/integrations/prometheus/client";

export type AnswerCacheOptions = {
  /** How long an answer is shared. Prometheus scrapes every 15 s or so, so a few seconds hides nothing measured. */
  ttlMs: number;
  /** The most answers kept; the oldest go first. */
  maxEntries: number;
  now?: () => number;
};

type Entry = { expiresAt: number; answer: Promise<unknown> };

/**
 * Shares Prometheus answers between readers for a few seconds: fifty people opening the latency dashboard in the
 * same second ask Prometheus once, not fifty times. Only queries evaluated at a stated time are shared (their answer
 * is fixed once the samples before that time are in); a query at "now" always goes to Prometheus. Readers asking
 * while an answer is on its way wait for the same one; a failure is never kept. Each reader gets its own copy.
 */
export function withAnswerCache(source: PrometheusSource, options: AnswerCacheOptions): PrometheusSource {
  const entries = new Map<string, Entry>();
  const now = options.now ?? Date.now;

  function makeRoom(at: number) {
    for (const [key, entry] of entries) if (entry.expiresAt <= at) entries.delete(key);
    while (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
  }

  async function shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    const at = now();
    const hit = entries.get(key);
    if (hit && hit.expiresAt > at) return structuredClone((await hit.answer) as T);
    makeRoom(at);
    const answer = read();
    entries.set(key, { expiresAt: at + options.ttlMs, answer });
    answer.catch(() => {
      if (entries.get(key)?.answer === answer) entries.delete(key);
    });
    return structuredClone(await answer);
  }

  return {
    query: (promql, time) =>
      time ? shared(`query\0${promql}\0${time.getTime()}`, () => source.query(promql, time)) : source.query(promql),
    queryRange: (promql, range) =>
      shared(`range\0${promql}\0${range.start.getTime()}\0${range.end.getTime()}\0${range.stepSeconds ?? ""}`, () =>
        source.queryRange(promql, range),
      ),
  };
}
