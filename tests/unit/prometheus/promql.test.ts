import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { clampStep, escapeLabelValue, MAX_POINTS_PER_SERIES, selector } from "@/server/integrations/prometheus/promql";

/** What Prometheus returns for a range query: one point per step from start, end included when it falls on one. */
const points = (rangeSeconds: number, step: number) => Math.floor(rangeSeconds / step) + 1;

describe("escapeLabelValue", () => {
  it("escapes backslashes, double quotes and newlines so a value cannot close the string", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue('x"} or vector(1) #')).toBe('x\\"} or vector(1) #');
    expect(escapeLabelValue("tab\there\r")).toBe("tab\\there\\r");
  });

  it("leaves ordinary names alone", () => {
    expect(escapeLabelValue("fraud-detector_v2.prod")).toBe("fraud-detector_v2.prod");
  });
});

describe("selector", () => {
  it("renders a metric with escaped label matchers", () => {
    expect(selector("modelport_runtime_requests_total", { endpoint: 'fr"aud', variant: "v1" })).toBe(
      'modelport_runtime_requests_total{endpoint="fr\\"aud",variant="v1"}',
    );
  });

  it("renders an empty matcher list", () => {
    expect(selector("up", {})).toBe("up{}");
  });

  it("refuses metric and label names that cannot be escaped", () => {
    expect(() => selector("up} or vector(1", {})).toThrow(AppError);
    expect(() => selector("up", { 'a="x"': "y" })).toThrow(AppError);
  });
});

describe("clampStep", () => {
  const day = 86_400;

  it("never asks for more than 11,000 points over 30 days, even when a 1 s step is requested", () => {
    const range = 30 * day;
    const step = clampStep(0, range, 1);
    expect(points(range, step)).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    expect(points(range, step - 1)).toBeGreaterThan(MAX_POINTS_PER_SERIES);
  });

  it("stays within the limit at the exact boundary", () => {
    const range = 11_000;
    const step = clampStep(1_000, 1_000 + range, 1);
    expect(step).toBe(2);
    expect(points(range, step)).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
  });

  it("honours a requested step when it is allowed", () => {
    expect(clampStep(0, 3_600, 15)).toBe(15);
    expect(clampStep(0, 30 * day, 3_600)).toBe(3_600);
  });

  it("picks a step giving a few hundred points when none is requested", () => {
    expect(clampStep(0, 900)).toBe(4);
    expect(points(30 * day, clampStep(0, 30 * day))).toBeLessThanOrEqual(251);
  });

  it("uses at least one second for tiny and empty ranges", () => {
    expect(clampStep(100, 100)).toBe(1);
    expect(clampStep(100, 105)).toBe(1);
    expect(clampStep(100, 105, 2)).toBe(2);
  });

  it("rejects reversed ranges and non-positive steps", () => {
    expect(() => clampStep(10, 5)).toThrow(AppError);
    expect(() => clampStep(0, 10, 0)).toThrow(AppError);
    expect(() => clampStep(0, 10, Number.NaN)).toThrow(AppError);
  });
});
