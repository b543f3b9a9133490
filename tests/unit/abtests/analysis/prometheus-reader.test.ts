import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import type { InstantSample, PrometheusSource } from "@/server/integrations/prometheus/client";
import { prometheusScope } from "@/server/services/abtests/analysis/analyze-test";
import { readPrometheus, type PrometheusScope } from "@/server/services/abtests/analysis/prometheus-reader";

const start = new Date("2026-12-03T00:00:00Z");
const end = new Date("2026-12-03T06:00:00Z");
const arm = (role: string, variantName: string, weight: number, stoppedAt: Date | null = null) => ({
  role,
  variantName,
  weight,
  stoppedAt,
});

const scope = (overrides: Partial<PrometheusScope> = {}): PrometheusScope => ({
  endpoint: "fraud",
  champion: "v1",
  variants: ["v1", "v2"],
  start,
  end,
  sloP99Seconds: 0.1,
  srm: {
    since: start,
    arms: [
      { variantName: "v1", weight: 50 },
      { variantName: "v2", weight: 50 },
    ],
  },
  shadowVariants: ["v2"],
  ...overrides,
});

/** A Prometheus that answers each query with what `answer` gives for it. */
const source = (answer: (promql: string) => InstantSample[] | Error): PrometheusSource => ({
  query: async (promql) => {
    const result = answer(promql);
    if (result instanceof Error) throw result;
    return result;
  },
  queryRange: async () => [],
});

describe("readPrometheus", () => {
  it("with Prometheus down, every Prometheus metric says why and the reason is listed once", async () => {
    const down = source(() => new AppError("UNAVAILABLE", "Prometheus at http://p:9090 did not answer: refused"));
    const read = await readPrometheus(down, scope());
    const reason = "Prometheus unreachable: Prometheus at http://p:9090 did not answer: refused";
    expect(read.errorRate).toEqual({ ok: false, note: reason });
    expect(read.latency.latency_p99).toEqual({ ok: false, note: reason });
    expect(read.srm).toEqual({ ok: false, since: start, note: reason });
    expect(read.quantiles.every((q) => q.note === reason && q.seconds === null)).toBe(true);
    expect(read.unavailable).toEqual([{ source: "prometheus", reason }]);
  });

  it("an endpoint without series yet has no units, not an error", async () => {
    const read = await readPrometheus(
      source(() => []),
      scope(),
    );
    expect(read.errorRate).toEqual({ ok: true, arms: new Map() });
    expect(read.latency.latency_p99).toEqual({ ok: true, arms: new Map() });
    expect(read.srm).toEqual({
      ok: true,
      since: start,
      counts: [
        { variantName: "v1", weight: 50, observed: 0 },
        { variantName: "v2", weight: 50, observed: 0 },
      ],
    });
    expect(read.unavailable).toEqual([]);
  });

  it("one failing query leaves the others' metrics measured", async () => {
    const read = await readPrometheus(
      source((promql) =>
        promql.includes("status=~")
          ? new Error("boom")
          : promql.includes("requests_total")
            ? [
                { metric: { variant: "v1" }, value: 100, timestamp: 0 },
                { metric: { variant: "v2" }, value: 96, timestamp: 0 },
              ]
            : [],
      ),
      scope(),
    );
    expect(read.errorRate).toEqual({ ok: false, note: "Prometheus unreachable: boom" });
    expect(read.srm.ok && read.srm.counts.map((c) => c.observed)).toEqual([100, 96]);
  });
});

describe("the SRM's scope", () => {
  it("counts live arms since the latest stop, the champion taking the stopped arm's share", () => {
    const stop = new Date("2026-12-03T02:00:00Z");
    const test = {
      status: "RUNNING",
      arms: [arm("CHAMPION", "v1", 50), arm("CHALLENGER", "v2", 25), arm("CHALLENGER", "v3", 25, stop)],
    };
    const s = prometheusScope(test, { name: "fraud", sloP99Ms: 100 }, "v1", ["v1", "v2", "v3"], start, end);
    expect(s.srm).toEqual({
      since: stop,
      arms: [
        { variantName: "v1", weight: 75 },
        { variantName: "v2", weight: 25 },
      ],
    });
    // A stop after the window's end (the test ended first) changes nothing.
    const later = prometheusScope(
      { ...test, arms: [arm("CHAMPION", "v1", 50), arm("CHALLENGER", "v2", 50, new Date("2026-12-04T00:00:00Z"))] },
      { name: "fraud", sloP99Ms: 100 },
      "v1",
      ["v1", "v2"],
      start,
      end,
    );
    expect(later.srm).toEqual({
      since: start,
      arms: [
        { variantName: "v1", weight: 50 },
        { variantName: "v2", weight: 50 },
      ],
    });
  });

  it("has nothing to check in shadow mode", () => {
    const s = prometheusScope(
      { status: "SHADOW", arms: [arm("CHAMPION", "v1", 100), arm("CHALLENGER", "v2", 0)] },
      { name: "fraud", sloP99Ms: 100 },
      "v1",
      ["v1", "v2"],
      start,
      end,
    );
    expect(s.srm).toMatchObject({ note: expect.stringMatching(/^shadow mode/) });
  });
});
