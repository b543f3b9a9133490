import { describe, expect, it } from "vitest";
import {
  alignWindow,
  budgetStatus,
  dollarsFor,
  dollarsPerThousand,
  forecastMonth,
  monthOf,
} from "@/server/services/cost/cost-math";
import { costRows, groupings } from "@/server/services/cost/cost-rows";
import type { EndpointOwner } from "@/server/services/cost/endpoint-owners";
import type { EndpointPredictions, VariantUsage } from "@/server/services/cost/schemas";

describe("cost arithmetic", () => {
  it("prices instance-seconds at an hourly rate", () => {
    expect(dollarsFor(3600, 0.115)).toBeCloseTo(0.115, 12);
    expect(dollarsFor(2 * 90, 1.408)).toBeCloseTo(0.0704, 12);
    expect(dollarsFor(0, 5)).toBe(0);
  });

  it("gives $ per 1,000 predictions, and null rather than Infinity when nothing was predicted", () => {
    expect(dollarsPerThousand(0.5, 2000)).toBeCloseTo(0.25, 12);
    expect(dollarsPerThousand(0.5, 0)).toBeNull();
    expect(dollarsPerThousand(null, 100)).toBeNull();
  });

  it("forecasts the month as month-to-date plus the current rate for the hours left", () => {
    const now = new Date("2026-11-29T00:00:00Z");
    expect(monthOf(now)).toEqual({
      start: new Date("2026-11-01T00:00:00Z"),
      end: new Date("2026-12-01T00:00:00Z"),
      key: "2026-11",
    });
    expect(forecastMonth(100, 2, now)).toBeCloseTo(100 + 2 * 48, 9);
    expect(forecastMonth(100, 2, new Date("2026-12-31T23:00:00Z"))).toBeCloseTo(102, 9);
  });

  it("calls a budget over once spend exceeds it, forecast-over when only the forecast does", () => {
    expect(budgetStatus(500, 501, 900)).toBe("OVER");
    expect(budgetStatus(500, 200, 501)).toBe("FORECAST_OVER");
    expect(budgetStatus(500, 200, 500)).toBe("UNDER");
  });

  it("aligns a window to whole steps with the evaluation time off the step grid", () => {
    const w = alignWindow(new Date("2026-11-01T10:00:00.300Z"), new Date("2026-11-01T11:00:07.900Z"), 60);
    expect(w.steps).toBe(60);
    expect(w.rangeSeconds).toBe(3600);
    expect(w.end).toEqual(new Date("2026-11-01T11:00:00Z"));
    expect(w.start).toEqual(new Date("2026-11-01T10:00:00Z"));
    expect(w.evaluationTime.getTime() % 1000).toBe(500);
  });
});

describe("cost rows", () => {
  const owners = new Map<string, EndpointOwner>([
    [
      "fraud-prod",
      {
        endpointId: "e1",
        endpointName: "fraud-prod",
        modelName: "fraud",
        teamId: "t1",
        teamName: "Risk",
        target: "SAGEMAKER",
      },
    ],
    [
      "eta-prod",
      {
        endpointId: "e2",
        endpointName: "eta-prod",
        modelName: "eta",
        teamId: "t2",
        teamName: "Logistics",
        target: "LOCAL",
      },
    ],
  ]);
  const prices = new Map([
    ["ml.m5.large", 0.115],
    ["local-cpu", 0.0425],
  ]);
  const usage: VariantUsage[] = [
    {
      endpoint: "fraud-prod",
      variant: "fraud-v1",
      instanceType: "ml.m5.large",
      target: "SAGEMAKER",
      instanceSeconds: 7200,
      instancesNow: 2,
    },
    {
      endpoint: "eta-prod",
      variant: "eta-v3",
      instanceType: "local-cpu",
      target: "LOCAL",
      instanceSeconds: 3600,
      instancesNow: 1,
    },
    {
      endpoint: "eta-prod",
      variant: "eta-v4",
      instanceType: "ml.unknown",
      target: "LOCAL",
      instanceSeconds: 3600,
      instancesNow: 1,
    },
  ];
  const counted = (endpoint: string, target: EndpointPredictions["target"], predictions: number | null) =>
    [
      endpoint,
      {
        endpoint,
        target,
        source: target === "SAGEMAKER" ? "cloudwatch" : "local-runtime",
        predictions,
        notMeasuredReason: predictions === null ? "unreachable" : null,
      },
    ] as const;

  it("sums priced instance-seconds per team and flags unpriced instance types", () => {
    const rows = costRows(
      usage,
      new Map([counted("fraud-prod", "SAGEMAKER", 4000), counted("eta-prod", "LOCAL", 0)]),
      prices,
      groupings(owners).team,
    );
    const risk = rows.find((r) => r.label === "Risk")!;
    expect(risk.usd).toBeCloseTo(0.23, 12);
    expect(risk.usdPerHourNow).toBeCloseTo(0.23, 12);
    expect(risk.usdPerDayNow).toBeCloseTo(0.23 * 24, 12);
    expect(risk.usdPer1kPredictions).toBeCloseTo(0.0575, 12);
    const logistics = rows.find((r) => r.label === "Logistics")!;
    expect(logistics.usd).toBeCloseTo(0.0425, 12);
    expect(logistics.instanceSeconds).toBe(7200);
    expect(logistics.unpricedInstanceTypes).toEqual(["ml.unknown"]);
    expect(logistics.usdPer1kPredictions).toBeNull();
  });

  it("keeps endpoints Prometheus knows but the registry does not", () => {
    const rows = costRows(
      [
        {
          endpoint: "manual",
          variant: "v",
          instanceType: "local-cpu",
          target: "LOCAL",
          instanceSeconds: 36,
          instancesNow: 1,
        },
      ],
      new Map(),
      prices,
      groupings(owners).model,
    );
    expect(rows).toMatchObject([{ label: "Not in the registry", modelName: null }]);
  });
});
