import type { RequestFeature, RequestTransform } from "@/contracts/online-features";

/**
 * The request features' code, shared by training (the samples a model learns from) and serving (the rows the runtime
 * answers), so the two cannot compute a feature differently. Each returns undefined for a value it cannot use.
 */

const EARTH_RADIUS_KM = 6371.0088;
const radians = (degrees: number) => (degrees * Math.PI) / 180;
const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** The UTC hour (0–23) of an ISO-8601 timestamp with its offset, or of epoch milliseconds. */
export function utcHour(value: unknown): number | undefined {
  const ms = finite(value)
    ? value
    : typeof value === "string" && /[zZ]|[+-]\d\d:?\d\d$/.test(value)
      ? Date.parse(value)
      : NaN;
  return Number.isFinite(ms) ? new Date(ms).getUTCHours() : undefined;
}

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = radians(lat2 - lat1);
  const dLon = radians(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(radians(lat1)) * Math.cos(radians(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

const latitude = (v: unknown) => finite(v) && Math.abs(v) <= 90;
const longitude = (v: unknown) => finite(v) && Math.abs(v) <= 180;

const TRANSFORMS: Record<RequestTransform, (args: unknown[]) => number | undefined> = {
  utc_hour: ([value]) => utcHour(value),
  log1p: ([value]) => (finite(value) && value >= 0 ? Math.log1p(value) : undefined),
  haversine_km: ([lat1, lon1, lat2, lon2]) =>
    latitude(lat1) && longitude(lon1) && latitude(lat2) && longitude(lon2)
      ? haversineKm(lat1 as number, lon1 as number, lat2 as number, lon2 as number)
      : undefined,
  differs: ([a, b]) => (a === undefined || b === undefined ? undefined : a === b ? 0 : 1),
};

/** What each transform expects, for the message when a request's fields do not fit it. */
export const TRANSFORM_EXPECTS: Record<RequestTransform, string> = {
  utc_hour: "an ISO-8601 timestamp with its offset, or epoch milliseconds",
  log1p: "a number ≥ 0",
  haversine_km: "latitudes (−90…90) and longitudes (−180…180) in degrees",
  differs: "two fields present",
};

export type RequestFeatureResult = { ok: true; value: number } | { ok: false; problem: string };

/** One request feature of one row, or why the row's fields cannot give it. */
export function computeRequestFeature(feature: RequestFeature, row: Record<string, unknown>): RequestFeatureResult {
  const value = TRANSFORMS[feature.transform](feature.from.map((field) => row[field]));
  if (value !== undefined) return { ok: true, value };
  const fields = feature.from.map((field) => `"${field}"`).join(", ");
  return { ok: false, problem: `${feature.transform}(${fields}) needs ${TRANSFORM_EXPECTS[feature.transform]}` };
}
