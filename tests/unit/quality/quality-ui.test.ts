import { describe, expect, it } from "vitest";
import { chartRows, dailyMetrics } from "@/components/quality/daily-metrics";
import {
  type QualityEndpoint,
  type QualityEstimate,
  type QualitySegment,
  formatInterval,
  formatShare,
  formatValue,
} from "@/components/quality/quality-format";
import { parseQualityState, serializeQualityState } from "@/components/quality/quality-url";

const estimate = (over: Partial<QualityEstimate>): QualityEstimate => ({
  status: "measured",
  value: 0.5,
  standardError: 0.1,
  interval: { lower: 0.3, upper: 0.7 },
  n: 40,
  effectiveN: 30,
  ...over,
});

const segment = (mae: QualityEstimate): QualitySegment => ({
  labelled: mae.n,
  unusable: 0,
  captured: 100,
  known: mae.n,
  unknownShare: 1 - mae.n / 100,
  classification: null,
  regression: { mae, rmse: mae },
});

describe("the Quality view's URL state", () => {
  it("round-trips and drops defaults", () => {
    const state = parseQualityState(new URLSearchParams("range=30d&source=review&endpoint=e1"));
    expect(state).toEqual({ range: "30d", source: "review", endpoint: "e1" });
    expect(serializeQualityState(state).toString()).toBe("range=30d&source=review&endpoint=e1");
    expect(serializeQualityState(parseQualityState(new URLSearchParams())).toString()).toBe("");
  });

  it("ignores unknown ranges and sources", () => {
    expect(parseQualityState(new URLSearchParams("range=1y&source=labels"))).toEqual({
      range: "7d",
      source: "combined",
      endpoint: "",
    });
  });
});

describe("daily chart rows", () => {
  const endpoint = {
    endpointId: "e",
    endpointName: "delivery",
    modelName: "m",
    isDemo: false,
    kind: "regression",
    classes: [],
    capturedFrom: new Date(0),
    variants: [
      {
        variantName: "blue",
        total: segment(estimate({})),
        days: [
          { day: "2026-12-01", ...segment(estimate({ status: "insufficient", value: null, interval: null, n: 3 })) },
          { day: "2026-12-02", ...segment(estimate({ value: 4.2, interval: { lower: 3.9, upper: 4.6 } })) },
        ],
      },
    ],
  } satisfies QualityEndpoint;

  it("plot measured days only, with their interval as a band", () => {
    const [mae] = dailyMetrics(endpoint);
    expect(mae!.id).toBe("mae");
    expect(chartRows(endpoint, mae!, ["2026-11-30", "2026-12-01", "2026-12-02"])).toEqual([
      { day: "2026-11-30", blue: null, "blue:band": null },
      { day: "2026-12-01", blue: null, "blue:band": null },
      { day: "2026-12-02", blue: 4.2, "blue:band": [3.9, 4.6] },
    ]);
  });

  it("formats values, intervals and shares, and shows nothing for null", () => {
    expect(formatValue(0.81234)).toBe("0.812");
    expect(formatValue(12.345)).toBe("12.3");
    expect(formatValue(null)).toBe("—");
    expect(formatInterval(estimate({}))).toBe("0.300–0.700");
    expect(formatInterval(estimate({ interval: null }))).toBeNull();
    expect(formatShare(0.25)).toBe("25.0 %");
    expect(formatShare(null)).toBe("—");
  });
});
