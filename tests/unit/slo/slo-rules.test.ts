import { describe, expect, it } from "vitest";
import { burnRate, classifySlo, endpointSloInput, errorBudget } from "@/server/services/monitoring/slo-rules";

const healthy = { p99Seconds: 0.05, requests1h: 500, burn1h: 0, p99TargetSeconds: 0.1 };

describe("burn rates against an endpoint's own objective", () => {
  it("divides the error ratio by the budget, 1 − objective, without floating-point noise", () => {
    expect(errorBudget(0.999)).toBe(0.001);
    expect(errorBudget(0.99999)).toBe(0.00001);
    expect(burnRate(0.002, 0.999)).toBe(2);
    expect(burnRate(0.002, 0.99)).toBeCloseTo(0.2, 12);
    expect(burnRate(null, 0.999)).toBeNull();
  });
});

describe("classifySlo", () => {
  it("is quiet while p99 is within target and the burn is slow", () => {
    expect(classifySlo(healthy)).toBeNull();
    expect(classifySlo({ ...healthy, p99Seconds: 0.1, burn1h: 14.39 })).toBeNull();
  });

  it("is critical from a 1 h burn rate of 14.4, whatever the traffic", () => {
    expect(classifySlo({ ...healthy, burn1h: 14.4, requests1h: 3 })).toEqual({
      severity: "CRITICAL",
      fastBurn: true,
      slow: false,
    });
  });

  it("warns when p99 is over target on at least 100 requests in the hour", () => {
    expect(classifySlo({ ...healthy, p99Seconds: 0.101, requests1h: 100 })).toEqual({
      severity: "WARNING",
      fastBurn: false,
      slow: true,
    });
    expect(classifySlo({ ...healthy, p99Seconds: 0.101, requests1h: 99.9 })).toBeNull();
    expect(classifySlo({ ...healthy, p99Seconds: 0.101, requests1h: null })).toBeNull();
  });

  it("is critical, naming both, when both hold", () => {
    expect(classifySlo({ ...healthy, p99Seconds: 2, burn1h: 1000 })).toEqual({
      severity: "CRITICAL",
      fastBurn: true,
      slow: true,
    });
  });

  it("says nothing without measurements", () => {
    expect(classifySlo({ p99Seconds: null, requests1h: null, burn1h: null, p99TargetSeconds: 0.1 })).toBeNull();
  });
});

describe("endpointSloInput", () => {
  it("accepts p99 targets of 1–60,000 ms and objectives of 90–99.999 %", () => {
    expect(endpointSloInput.safeParse({ endpointId: "e", p99Ms: 1, availability: 0.9 }).success).toBe(true);
    expect(endpointSloInput.safeParse({ endpointId: "e", p99Ms: 60_000, availability: 0.99999 }).success).toBe(true);
    expect(endpointSloInput.safeParse({ endpointId: "e", p99Ms: 60_001, availability: 0.999 }).success).toBe(false);
    expect(endpointSloInput.safeParse({ endpointId: "e", p99Ms: 100, availability: 0.89 }).success).toBe(false);
    expect(endpointSloInput.safeParse({ endpointId: "e", p99Ms: 100, availability: 1 }).success).toBe(false);
  });
});
