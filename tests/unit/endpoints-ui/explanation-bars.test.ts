import { describe, expect, it } from "vitest";
import { attributionBars, attributionSummary, formatAttribution } from "@/components/endpoints/explanation-bars";

describe("attribution bars", () => {
  it("sorts by absolute size, largest first, and carries each feature's value and direction", () => {
    const bars = attributionBars({ amount: 0.2, hour: -0.9, country: 0, age: 0.5 }, { amount: 12.5, hour: 3, age: 41 });
    expect(bars).toEqual([
      { feature: "hour", value: 3, attribution: -0.9, direction: "down" },
      { feature: "age", value: 41, attribution: 0.5, direction: "up" },
      { feature: "amount", value: 12.5, attribution: 0.2, direction: "up" },
      { feature: "country", value: undefined, attribution: 0, direction: "none" },
    ]);
  });

  it("keeps the model's feature order between equal sizes", () => {
    const bars = attributionBars({ b: -0.5, a: 0.5, c: 0.5 }, {});
    expect(bars.map((bar) => bar.feature)).toEqual(["b", "a", "c"]);
  });

  it("answers no bars for no attributions", () => {
    expect(attributionBars({}, { x: 1 })).toEqual([]);
    expect(attributionSummary([])).toBe("No feature attributions");
  });
});

describe("attribution wording", () => {
  it("signs attributions with a real minus", () => {
    expect(formatAttribution(0.123456)).toBe("+0.1235");
    expect(formatAttribution(-2)).toBe("−2");
    expect(formatAttribution(0)).toBe("0");
  });

  it("summarises the biggest pushes up and down", () => {
    const bars = attributionBars({ amount: 0.2, hour: -0.9, age: 0.5, zero: 0 }, {});
    expect(attributionSummary(bars, 1)).toBe(
      "Feature attributions, largest first: raised most by age +0.5000; lowered most by hour −0.9000",
    );
    expect(attributionSummary(attributionBars({ zero: 0 }, {}))).toBe(
      "Feature attributions, largest first: every feature is 0",
    );
  });
});
