import { format } from "node:util";
import type { Histogram, Registry } from "prom-client";

/** One label set's counts: per-bucket (not cumulative), the sum and the count; exported from its first use on. */
class Series {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  exported = false;

  constructor(
    readonly labels: Record<string, string>,
    private readonly bounds: readonly number[],
    private readonly onFirstUse: (series: Series) => void,
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number) {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${format(value)}`);
    if (!this.exported) this.onFirstUse(this);
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    if (bucket < bounds.length) this.counts[bucket]! += 1;
    this.sum += value;
    this.count += 1;
  }

  clear() {
    if (!this.exported) this.onFirstUse(this);
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

type ExportedValue = {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
};

/**
 * A histogram with prom-client's behaviour and exposition (it registers in a prom-client Registry, which formats it)
 * whose `labels(...)` children are bound to their series: prom-client's Histogram validates and hashes the label set
 * on every observe, a measurable share of the HTTP thread when every prediction observes two histograms.
 */
export class BoundHistogram<Label extends string> {
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly series = new Map<string, Series>();
  /** Series in the order of their first observation, as prom-client exports them. */
  private exported: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly Label[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    // The registry only calls name, help, type, aggregator, getForPromString/get and reset, all of which this has.
    registry.registerMetric(this as unknown as Histogram);
  }

  /** The series of these label values (in labelNames order); it is exported from its first observation on. */
  labels(...values: string[]): Series {
    const key = values.join("\u0000");
    let found = this.series.get(key);
    if (!found) {
      const labels = Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]!]));
      found = new Series(labels, this.buckets, (series) => {
        series.exported = true;
        this.exported.push(series);
      });
      this.series.set(key, found);
    }
    return found;
  }

  observe(labels: Record<Label, string>, value: number) {
    this.labels(...this.labelNames.map((name) => labels[name])).observe(value);
  }

  /** Exports the series at zero now (and, like prom-client, restarts it from zero if it already had counts). */
  zero(labels: Record<Label, string>) {
    this.labels(...this.labelNames.map((name) => labels[name])).clear();
  }

  reset() {
    for (const series of this.exported) {
      series.clear();
      series.exported = false;
    }
    this.exported = [];
  }

  getForPromString() {
    const values: ExportedValue[] = [];
    for (const series of this.exported) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += series.counts[i]!;
        values.push({
          labels: { le: bound },
          sharedLabels: series.labels,
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push(
        { labels: { le: "+Inf" }, sharedLabels: series.labels, value: series.count, metricName: `${this.name}_bucket` },
        { labels: {}, sharedLabels: series.labels, value: series.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: series.labels, value: series.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  get() {
    return this.getForPromString();
  }
}
