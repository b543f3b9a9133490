import { describe, expect, it } from "vitest";
import { featureLookupSchema, type RequestFeature } from "@/contracts/online-features";
import { computeRequestFeature, haversineKm, utcHour } from "@/lib/features/request-features";

describe("request features (shared by training and serving)", () => {
  it("takes the UTC hour of an ISO timestamp with its offset or of epoch milliseconds, nothing else", () => {
    expect(utcHour("2026-12-04T23:30:00Z")).toBe(23);
    expect(utcHour("2026-12-04T23:30:00+02:00")).toBe(21);
    expect(utcHour(Date.UTC(2026, 0, 1, 5, 59))).toBe(5);
    // Without an offset the hour would depend on the machine's time zone.
    expect(utcHour("2026-12-04T23:30:00")).toBeUndefined();
    expect(utcHour("yesterday")).toBeUndefined();
    expect(utcHour(Number.NaN)).toBeUndefined();
  });

  it("measures great-circle distances in km", () => {
    expect(haversineKm(0, 0, 0, 0)).toBe(0);
    // London → Paris is about 344 km.
    expect(haversineKm(51.5074, -0.1278, 48.8566, 2.3522)).toBeCloseTo(343.6, 0);
  });

  it("names the fields and what they need when a row cannot give a feature", () => {
    const distance: RequestFeature = { name: "d", transform: "haversine_km", from: ["a", "b", "c", "e"] };
    expect(computeRequestFeature(distance, { a: 0, b: 0, c: 0, e: 1 })).toMatchObject({ ok: true });
    const bad = computeRequestFeature(distance, { a: 91, b: 0, c: 0, e: 1 });
    expect(bad).toEqual({ ok: false, problem: expect.stringContaining('haversine_km("a", "b", "c", "e")') });
    const differs: RequestFeature = { name: "foreign", transform: "differs", from: ["country", "home"] };
    expect(computeRequestFeature(differs, { country: "BR", home: "BR" })).toEqual({ ok: true, value: 0 });
    expect(computeRequestFeature(differs, { country: "PT", home: "BR" })).toEqual({ ok: true, value: 1 });
    expect(computeRequestFeature(differs, { country: "PT" })).toMatchObject({ ok: false });
    const log: RequestFeature = { name: "l", transform: "log1p", from: ["x"] };
    expect(computeRequestFeature(log, { x: -1 })).toMatchObject({ ok: false });
  });

  it("refuses a lookup whose transform takes another number of fields, or a feature declared twice", () => {
    const base = { featureGroup: "cards", entityKey: "card_id", storedFeatures: ["a"] };
    const wrongArity = { ...base, requestFeatures: [{ name: "h", transform: "utc_hour", from: ["t", "u"] }] };
    expect(featureLookupSchema.safeParse(wrongArity).success).toBe(false);
    const twice = { ...base, requestFeatures: [{ name: "a", transform: "log1p", from: ["x"] }] };
    expect(featureLookupSchema.safeParse(twice).success).toBe(false);
    // From a stored feature's name: the caller's value under that name would be used.
    const fromStored = { ...base, requestFeatures: [{ name: "b", transform: "log1p", from: ["a"] }] };
    expect(featureLookupSchema.safeParse(fromStored).success).toBe(false);
  });
});
