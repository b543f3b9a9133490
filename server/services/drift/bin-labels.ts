import type { FeatureBins } from "@/contracts/feature-bins";

const number = (value: number) => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4))));

/** Readable bin labels in bin order: "≤ 5", "(5, 12.5]", "> 40" for numeric features; the categories and "other". */
export function binLabels(feature: FeatureBins): string[] {
  if (feature.kind === "CATEGORICAL") return [...feature.categories, "other"];
  const edges = feature.edges;
  if (edges.length === 0) return ["all values"];
  return [
    `≤ ${number(edges[0]!)}`,
    ...edges.slice(1).map((edge, i) => `(${number(edges[i]!)}, ${number(edge)}]`),
    `> ${number(edges[edges.length - 1]!)}`,
  ];
}
