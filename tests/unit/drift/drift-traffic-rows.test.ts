import { describe, expect, it } from "vitest";
import { DELIVERY_FEATURES } from "@/training/delivery-data";
import { FRAUD_FEATURES } from "@/training/fraud-data";
import { heatmapColour } from "@/components/drift/heatmap-colour";
import { malformed, ROW_SOURCES, rowStream, sourceFor } from "@/scripts/traffic/row-sources";

describe("traffic generator rows", () => {
  it("picks the generator whose features cover the endpoint's signature", () => {
    expect(sourceFor([...FRAUD_FEATURES])?.name).toBe("fraud-transactions");
    expect(sourceFor(["amount", "hour"])?.name).toBe("fraud-transactions");
    expect(sourceFor([...DELIVERY_FEATURES])?.name).toBe("delivery-orders");
    expect(sourceFor(["amount", "distance_km"])).toBeUndefined();
    expect(sourceFor([])).toBeUndefined();
  });

  it("streams the same rows for the same seed, across generator blocks", () => {
    const fraud = ROW_SOURCES[0]!;
    const take = (next: () => Record<string, number>, n: number) => Array.from({ length: n }, next);
    const a = take(rowStream(fraud, 1), 2_100);
    expect(take(rowStream(fraud, 1), 2_100)).toEqual(a);
    expect(take(rowStream(fraud, 2), 5)).not.toEqual(a.slice(0, 5));
    expect(Object.keys(a[0]!)).toEqual([...FRAUD_FEATURES]);
  });

  it("the amount scenario triples amounts and changes nothing else", () => {
    const fraud = ROW_SOURCES[0]!;
    const row = rowStream(fraud, 1)();
    const drifted = fraud.drifts.find((d) => d.name === "amount")!.apply(row);
    expect(drifted.amount).toBeCloseTo(row.amount! * 3, 1);
    expect({ ...drifted, amount: row.amount }).toEqual(row);
  });

  it("a malformed row lacks the first input, so the runtime refuses it", () => {
    expect(malformed({ a: 1, b: 2 }, ["a", "b"])).toEqual({ b: 2 });
  });
});

describe("heatmap colours", () => {
  const t = { warnPsi: 0.1, alertPsi: 0.25 };
  it("uses green, amber and red bands by threshold and grey without a verdict", () => {
    expect(heatmapColour(0.01, "OK", t)).toMatch(/^hsl\(152 /);
    expect(heatmapColour(0.1, "WARN", t)).toMatch(/^hsl\(38 /);
    expect(heatmapColour(0.3, "ALERT", t)).toMatch(/^hsl\(350 /);
    expect(heatmapColour(0.3, "INSUFFICIENT_DATA", t)).toBe("hsl(215 16% 90%)");
    expect(heatmapColour(0.49, "ALERT", t)).not.toBe(heatmapColour(0.26, "ALERT", t));
  });

  it("colours a PSI above the thresholds but under its noise ceiling (status OK) green", () => {
    expect(heatmapColour(0.3, "OK", t)).toMatch(/^hsl\(152 /);
  });
});
