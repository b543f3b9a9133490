import { numericBinIndex } from "@/contracts/feature-bins";
import type { VariantConfig } from "@/contracts/runtime-control";
import type { FeatureValue, ValidatedRow } from "@/runtime/serving/signature-validation";

export const FEATURE_HISTOGRAM = "modelport_runtime_feature_value";
const HELP =
  "Served feature values per endpoint, variant and feature, in the version's frozen reference bins (numeric: le = bin edges; categorical: le = category index, unseen categories only in +Inf)";

type FeatureBinsConfig = NonNullable<VariantConfig["featureBins"]>[number];

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** One feature of one variant: per-bin counts (not cumulative; the exposition accumulates) and the sum. */
class FeatureHistogram {
  private readonly numeric: boolean;
  private readonly edges: Float64Array;
  private readonly categories: Map<string, number>;
  private readonly bucketPrefix: string;
  private readonly seriesLabels: string;
  private readonly upperBounds: string[];
  readonly counts: Float64Array;
  sum = 0;

  constructor(
    readonly position: number,
    spec: FeatureBinsConfig,
    labels: string,
  ) {
    this.numeric = spec.kind === "NUMERIC";
    this.edges = Float64Array.from(spec.kind === "NUMERIC" ? spec.edges : []);
    this.categories = new Map(spec.kind === "CATEGORICAL" ? spec.categories.map((c, i) => [c, i]) : []);
    const bounds = spec.kind === "NUMERIC" ? spec.edges.map(String) : spec.categories.map((_, i) => String(i));
    this.upperBounds = [...bounds, "+Inf"];
    this.counts = new Float64Array(this.upperBounds.length);
    this.seriesLabels = `${labels},feature="${escapeLabel(spec.name)}"`;
    this.bucketPrefix = `${FEATURE_HISTOGRAM}_bucket{${this.seriesLabels},le="`;
  }

  observe(value: FeatureValue) {
    if (this.numeric) {
      const number = Number(value);
      this.counts[numericBinIndex(this.edges, number)]! += 1;
      this.sum += number;
      return;
    }
    const index = this.categories.get(String(value)) ?? this.categories.size;
    this.counts[index]! += 1;
    this.sum += index;
  }

  expose(lines: string[]) {
    let cumulative = 0;
    for (let bin = 0; bin < this.counts.length; bin++) {
      cumulative += this.counts[bin]!;
      lines.push(`${this.bucketPrefix}${this.upperBounds[bin]}"} ${cumulative}`);
    }
    lines.push(`${FEATURE_HISTOGRAM}_sum{${this.seriesLabels}} ${this.sum}`);
    lines.push(`${FEATURE_HISTOGRAM}_count{${this.seriesLabels}} ${cumulative}`);
  }
}

/** The feature histograms of one variant, bound to the positions of its signature's inputs. */
export class VariantFeatureHistograms {
  private readonly features: FeatureHistogram[];

  constructor(
    endpoint: string,
    variant: string,
    public config: VariantConfig,
  ) {
    const labels = `endpoint="${escapeLabel(endpoint)}",variant="${escapeLabel(variant)}"`;
    const positions = new Map(config.signature.inputs.map((input, i) => [input.name, i]));
    this.features = (config.featureBins ?? [])
      .filter((spec) => positions.has(spec.name))
      .map((spec) => new FeatureHistogram(positions.get(spec.name)!, spec, labels));
  }

  observe(rows: readonly ValidatedRow[]) {
    for (const row of rows) for (const feature of this.features) feature.observe(row[feature.position]!);
  }

  expose(lines: string[]) {
    for (const feature of this.features) feature.expose(lines);
  }
}

const sameBins = (a: VariantConfig, b: VariantConfig) =>
  a.featureBins === b.featureBins ||
  JSON.stringify([a.signature.inputs, a.featureBins]) === JSON.stringify([b.signature.inputs, b.featureBins]);

/**
 * `modelport_runtime_feature_value` for every loaded variant that has reference bins. prom-client gives a histogram
 * one bucket layout for all its series, but every feature here has its own edges, so this family keeps its own
 * counts and writes its own exposition. Counts survive a re-apply with the same bins and restart when bins change.
 */
export class FeatureHistogramFamily {
  private readonly variants = new Map<string, VariantFeatureHistograms>();

  /** The histograms of a variant as configured now (created with zero counts on first use); undefined without bins. */
  forVariant(endpoint: string, config: VariantConfig): VariantFeatureHistograms | undefined {
    if (!config.featureBins?.length) return undefined;
    const key = `${endpoint}\u0000${config.variantName}`;
    const current = this.variants.get(key);
    if (current?.config === config) return current;
    if (current && sameBins(current.config, config)) {
      current.config = config;
      return current;
    }
    const fresh = new VariantFeatureHistograms(endpoint, config.variantName, config);
    this.variants.set(key, fresh);
    return fresh;
  }

  /** Exports zeros for newly loaded variants at once (so increase() sees their first rows) and drops removed ones. */
  retain(loaded: ReadonlyArray<{ endpoint: string; config: VariantConfig }>) {
    const live = new Set<VariantFeatureHistograms>();
    for (const { endpoint, config } of loaded) {
      const histograms = this.forVariant(endpoint, config);
      if (histograms) live.add(histograms);
    }
    for (const [key, histograms] of this.variants) if (!live.has(histograms)) this.variants.delete(key);
  }

  exposition(): string {
    if (this.variants.size === 0) return "";
    const lines = [`# HELP ${FEATURE_HISTOGRAM} ${HELP}`, `# TYPE ${FEATURE_HISTOGRAM} histogram`];
    for (const histograms of this.variants.values()) histograms.expose(lines);
    return lines.join("\n") + "\n";
  }
}
