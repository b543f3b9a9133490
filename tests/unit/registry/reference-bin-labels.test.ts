import { describe, expect, it } from "vitest";
import { referenceBinLabels } from "@/components/registry/reference-bin-labels";

describe("referenceBinLabels", () => {
  it("labels numeric bins as le ranges", () => {
    expect(referenceBinLabels({ kind: "NUMERIC", edges: [1, 2.5, 10], categories: [] })).toEqual([
      "≤ 1",
      "(1, 2.5]",
      "(2.5, 10]",
      "> 10",
    ]);
    expect(referenceBinLabels({ kind: "NUMERIC", edges: [], categories: [] })).toEqual(["all values"]);
  });

  it("labels categorical bins by value with a final other bin", () => {
    expect(referenceBinLabels({ kind: "CATEGORICAL", edges: [], categories: ["web", "app"] })).toEqual([
      "web",
      "app",
      "other",
    ]);
  });
});
