/** The dashboard's range choices (shareable in the URL), in seconds. */
export const COST_RANGES = { "1h": 3600, "6h": 6 * 3600, "24h": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400 } as const;
export type CostRange = keyof typeof COST_RANGES;
export const COST_RANGE_KEYS = Object.keys(COST_RANGES) as CostRange[];
export const DEFAULT_COST_RANGE: CostRange = "24h";
