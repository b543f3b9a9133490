import type { QualityEndpoint, QualityEstimate, QualitySegment } from "@/components/quality/quality-format";

export type DailyMetric = { id: string; title: string; pick: (segment: QualitySegment) => QualityEstimate | undefined };

/** The per-day charts of an endpoint: the positive (last) class's precision, recall and F1, or MAE and RMSE. */
export function dailyMetrics(endpoint: QualityEndpoint): DailyMetric[] {
  if (endpoint.kind === "regression")
    return [
      { id: "mae", title: "MAE", pick: (s) => s.regression?.mae },
      { id: "rmse", title: "RMSE", pick: (s) => s.regression?.rmse },
    ];
  if (endpoint.kind !== "classification") return [];
  const label = endpoint.classes.at(-1) ?? "";
  const of = (s: QualitySegment) => s.classification?.classes.find((c) => c.label === label);
  return [
    { id: "precision", title: `Precision (${label})`, pick: (s) => of(s)?.precision },
    { id: "recall", title: `Recall (${label})`, pick: (s) => of(s)?.recall },
    { id: "f1", title: `F1 (${label})`, pick: (s) => of(s)?.f1 },
  ];
}

export type ChartRow = Record<string, string | number | [number, number] | null>;

/** One row per day: each variant's value (null when not measured) and its interval as a [lower, upper] band. */
export function chartRows(endpoint: QualityEndpoint, metric: DailyMetric, days: readonly string[]): ChartRow[] {
  return days.map((day) => {
    const row: ChartRow = { day };
    for (const variant of endpoint.variants) {
      const segment = variant.days.find((d) => d.day === day);
      const estimate = segment ? metric.pick(segment) : undefined;
      row[variant.variantName] = estimate?.status === "measured" ? estimate.value : null;
      row[`${variant.variantName}:band`] =
        estimate?.status === "measured" && estimate.interval
          ? [estimate.interval.lower, estimate.interval.upper]
          : null;
    }
    return row;
  });
}
