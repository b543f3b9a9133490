import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ExplanationView } from "@/components/endpoints/explanation-view";

// An explanation rendered on the server: the numbers a reader sees, the table in chart order, the chart's words.

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

const explanation = {
  attributions: { amount: 0.25, hour: -1.5, merchant_risk: 0.75 },
  expectedValue: -2,
  output: -2.5,
  outputSpace: "log-odds" as const,
  method: "tree-shap-path-dependent" as const,
};

describe("ExplanationView", () => {
  it("shows expected value, output, space and method, and the attributions largest first", () => {
    const html = renderToStaticMarkup(
      createElement(ExplanationView, { explanation, row: { amount: 12.5, hour: 3, merchant_risk: 0.9 } }),
    );
    const shown = text(html);
    expect(shown).toContain("Expected value -2 ");
    expect(shown).toContain("Output -2.500 ");
    expect(shown).toContain("log-odds (before the sigmoid)");
    expect(shown).toContain("TreeSHAP (path-dependent)");
    const features = [...html.matchAll(/data-feature="([^"]+)"/g)].map((match) => match[1]);
    expect(features).toEqual(["hour", "merchant_risk", "amount"]);
    expect(shown).toMatch(/hour 3 −1.500 merchant_risk 0.9000 \+0.7500 amount 12.50 \+0.2500/);
    expect(html).toContain(
      'aria-label="Feature attributions, largest first: raised most by merchant_risk +0.7500, amount +0.2500; lowered most by hour −1.500"',
    );
  });

  it("says so when the runtime answered no features", () => {
    const html = renderToStaticMarkup(
      createElement(ExplanationView, { explanation: { ...explanation, attributions: {} }, row: {} }),
    );
    expect(text(html)).toContain("No feature attributions");
    expect(html).not.toContain("attribution-table");
  });
});
