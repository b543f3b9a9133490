const DAY_MS = 86_400_000;

/** The UTC day of a time, "2026-12-02". */
export const dayOf = (time: Date): string => time.toISOString().slice(0, 10);

export const startOfUtcDay = (time: Date): Date => new Date(Math.floor(time.getTime() / DAY_MS) * DAY_MS);

export const addDays = (time: Date, days: number): Date => new Date(time.getTime() + days * DAY_MS);

/** The `count` UTC days ending with the day of `at`, oldest first, and the half-open interval they span. */
export function dayRange(at: Date, count: number) {
  const last = startOfUtcDay(at);
  const start = addDays(last, -(count - 1));
  const days = Array.from({ length: count }, (_, i) => dayOf(addDays(start, i)));
  return { start, end: addDays(last, 1), days };
}
