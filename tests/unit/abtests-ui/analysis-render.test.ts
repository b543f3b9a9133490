import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { AbAnalysisSection } from "@/components/abtests/ab-analysis-section";
import { AbArmsTable } from "@/components/abtests/ab-arms-table";
import { AbComparisonsTable } from "@/components/abtests/ab-comparisons-table";
import { AbLatencyTable } from "@/components/abtests/ab-latency-table";
import { AbShadowTable } from "@/components/abtests/ab-shadow-table";
import { AbVerdicts } from "@/components/abtests/ab-verdicts";
import { analysis, comparison } from "@/tests/unit/abtests-ui/analysis-fixture";

// The static parts of the analysis rendered on the server: what a reader sees in the markup, from the fixture's look.

const arms: AbTestView["arms"] = [
  { variantName: "m-v1", role: "CHAMPION", weight: 50, version: 1, versionId: "a", stoppedAt: null, stopReason: null },
  {
    variantName: "m-v2",
    role: "CHALLENGER",
    weight: 50,
    version: 2,
    versionId: "b",
    stoppedAt: null,
    stopReason: null,
  },
];
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("AbVerdicts", () => {
  it("states each challenger's verdict with its reason, SRM and the label delay", () => {
    const html = renderToStaticMarkup(createElement(AbVerdicts, { analysis: analysis(), arms }));
    expect(text(html)).toContain("v2 is the winner: better than the champion on the primary metric.");
    expect(text(html)).toContain("Better on the primary metric.");
    expect(html).toMatch(/data-testid="ab-srm"[^>]*>SRM: ok \(χ² 0.13, p 0.71\)/);
    expect(html).not.toContain('role="alert"');
    expect(text(html)).toContain("Outcomes take 1 h to arrive");
  });

  it("raises a sample-ratio mismatch and lists the sources a look could not read", () => {
    const frozen = analysis({
      srm: { ...analysis().srm, statistic: 40, pValue: 1e-9, mismatch: true },
      verdicts: [{ variantName: "m-v2", verdict: "frozen", reason: "Sample-ratio mismatch" }],
      unavailable: [{ source: "prometheus", reason: "connection refused" }],
    });
    const html = renderToStaticMarkup(createElement(AbVerdicts, { analysis: frozen, arms }));
    expect(html).toMatch(/role="alert" data-testid="ab-srm">SRM: mismatch/);
    expect(html).toContain('data-testid="ab-verdict-frozen"');
    expect(text(html)).toContain("Not read at this look — prometheus: connection refused");
  });
});

describe("AbComparisonsTable", () => {
  it("shows values in the metric's unit, the interval, p-values (BH for secondaries) and the note of an empty one", () => {
    const comparisons = [
      comparison(),
      comparison({
        metric: "error_rate",
        role: "SECONDARY",
        control: { variantName: "m-v1", units: 5000, value: 0.002 },
        treatment: { variantName: "m-v2", units: 5100, value: 0.003 },
        estimate: 0.001,
        lower: -0.001,
        upper: 0.003,
        pValue: 0.3,
        adjustedPValue: 0.6,
      }),
      comparison({
        metric: "latency_p99",
        role: "GUARDRAIL",
        control: { variantName: "m-v1", units: 0, value: null },
        treatment: { variantName: "m-v2", units: 0, value: null },
        estimate: null,
        lower: null,
        upper: null,
        pValue: 1,
        note: "Prometheus unreachable: connection refused",
      }),
    ];
    const html = renderToStaticMarkup(createElement(AbComparisonsTable, { comparisons, arms }));
    const shown = text(html);
    expect(shown).toContain("Accuracy primary v2 80.0 % n = 1,200 83.0 % n = 1,180 +3.00 pts +1.00 pts to +5.00 pts");
    expect(shown).toContain("0.20 % n = 5,000 0.30 % n = 5,100 +0.10 pts −0.10 pts to +0.30 pts");
    expect(shown).toContain("0.30 BH 0.60");
    // Not measured: its note, and no p-value as if it had been tested.
    expect(shown).toContain("n = 0 Prometheus unreachable: connection refused — α 0.050");
    expect(html.match(/data-testid="ab-interval-bar"/g)).toHaveLength(2);
    // No comparison reached its planned sample: no fixed-horizon column.
    expect(shown).not.toContain("Fixed horizon");
  });

  it("adds the fixed-horizon result once it is present", () => {
    const fixedHorizon = { estimate: 0.03, standardError: 0.01, z: 3, pValue: 0.0027, lower: 0.01, upper: 0.05 };
    const html = renderToStaticMarkup(
      createElement(AbComparisonsTable, { comparisons: [comparison({ fixedHorizon })], arms }),
    );
    expect(text(html)).toContain("Fixed horizon");
    expect(text(html)).toContain("+3.00 pts, p 0.0027");
  });
});

describe("AbArmsTable", () => {
  it("shows each arm's weight, predictions, waiting share and units against the plan, and marks a stopped arm", () => {
    const look = analysis();
    look.arms[1] = { ...look.arms[1]!, stoppedAt: "2026-12-03T09:30:00.000Z" };
    const test = {
      arms,
      preRegistration: { primaryMetric: "accuracy", requiredPerArm: { "m-v1": 2400, "m-v2": 2400 } },
    } as unknown as AbTestView;
    const html = renderToStaticMarkup(createElement(AbArmsTable, { analysis: look, test }));
    expect(text(html)).toContain("v1 champion 50 % 1,500 300 20.0 % 1,200 of 2,400 50 %");
    expect(html).toContain('aria-valuenow="50"');
    expect(text(html)).toMatch(/v2 challenger Stopped /);
  });
});

describe("latency and shadow", () => {
  it("shows quantiles per arm with their buckets, and a shadow's disagreement", () => {
    const q = (variantName: string, quantile: number, seconds: number | null) => ({
      variantName,
      quantile,
      seconds,
      bucketLower: seconds === null ? null : 0.1,
      bucketUpper: seconds === null ? null : 0.25,
      requests: 900,
      note: seconds === null ? "no requests" : null,
    });
    const latency = renderToStaticMarkup(
      createElement(AbLatencyTable, {
        quantiles: [
          { metric: "latency_p99", ...q("m-v1", 0.99, 0.2) },
          { metric: "latency_p99", ...q("m-v2", 0.99, null) },
        ],
        arms,
      }),
    );
    expect(text(latency)).toContain("v1 200 ms between 100 ms and 250 ms 900");
    expect(text(latency)).toContain("v2 no requests 900");
    const shadow = renderToStaticMarkup(
      createElement(AbShadowTable, {
        shadows: [
          {
            variantName: "m-v2",
            pairs: 400,
            measure: "class_disagreement",
            disagreement: 0.035,
            latency: [q("m-v2", 0.95, 0.12)],
            note: null,
          },
        ],
        arms,
      }),
    );
    expect(text(shadow)).toContain("v2 3.5 % of answers differ 400 120 ms between 100 ms and 250 ms");
  });
});

describe("AbAnalysisSection before the first look", () => {
  it("says when the first look comes", () => {
    const html = renderToStaticMarkup(
      createElement(AbAnalysisSection, { test: { arms, analysis: null } as unknown as AbTestView }),
    );
    expect(html).toContain('data-testid="ab-analysis-empty"');
    expect(text(html)).toContain("The first look comes within a minute of the test starting");
    expect(html).not.toContain("ab-verdicts");
  });
});
