import { formatMetric } from "@/components/registry/format";

type BinnedFeature = { kind: "NUMERIC" | "CATEGORICAL"; edges: readonly number[]; categories: readonly string[] };

/** One label per bin, in bin order: numeric bins are (a, b] ranges, categorical ones their values plus "other". */
export function referenceBinLabels(feature: BinnedFeature): string[] {
  if (feature.kind === "CATEGORICAL") return [...feature.categories, "other"];
  const edges = feature.edges.map(formatMetric);
  if (edges.length === 0) return ["all values"];
  return [
    `≤ ${edges[0]}`,
    ...edges.slice(1).map((edge, i) => `(${edges[i]}, ${edge}]`),
    `> ${edges[edges.length - 1]}`,
  ];
}
