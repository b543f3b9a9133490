/** The latency dashboard's ranges; each key is also a valid PromQL duration. Safe to import from the browser. */
export const LATENCY_RANGES = {
  "15m": 900,
  "1h": 3_600,
  "6h": 21_600,
  "24h": 86_400,
  "7d": 604_800,
  "30d": 2_592_000,
} as const;
export type LatencyRange = keyof typeof LATENCY_RANGES;
export const LATENCY_RANGE_KEYS = Object.keys(LATENCY_RANGES) as [LatencyRange, ...LatencyRange[]];
export const DEFAULT_LATENCY_RANGE: LatencyRange = "1h";
