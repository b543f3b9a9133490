import { parseBucketBound, parsePrometheusText } from "@/server/integrations/prometheus/prometheus-text";
import { binIndex } from "@/contracts/feature-bins";
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltModel } from "@/training/catalog";
import { rowObject } from "@/training/dataset";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { LocalRuntimeError, LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import type { FeatureBinsSpec, VariantSpec } from "@/server/integrations/targets/deployment-target";
import { countsFromCumulativeBuckets } from "@/server/services/drift/psi";
import { computeReferenceProfile } from "@/server/services/drift/reference-profile";
import { parseSampleCsv } from "@/server/services/drift/sample-csv";
import {
  postJson,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";

const FAMILY = "modelport_runtime_feature_value";

let runtime: RunningRuntime;
let target: LocalRuntimeTarget;
let fraud: { model: BuiltModel; entry: ManifestEntry; bins: FeatureBinsSpec[] };
let modelDirectory: Awaited<ReturnType<typeof temporaryDirectory>>;

beforeAll(async () => {
  modelDirectory = await temporaryDirectory("modelport-feature-histograms-");
  const { models, manifest } = await writeModels(modelDirectory.directory);
  const entry = manifest.find((m) => m.name === "fraud-gbt")!;
  const csv = await readFile(path.join(modelDirectory.directory, entry.trainingSample), "utf8");
  const profile = computeReferenceProfile(parseSampleCsv(csv).columns, entry.signature);
  fraud = { model: models.find((m) => m.name === "fraud-gbt")!, entry, bins: profile.features };
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
  target = new LocalRuntimeTarget({ baseUrl: runtime.baseUrl, controlToken: runtime.controlToken });
}, 90_000);

afterAll(async () => {
  await runtime?.stop();
  await modelDirectory?.remove();
});

function variant(featureBins: FeatureBinsSpec[] | undefined): VariantSpec {
  return {
    variantName: "fraud-gbt-v1",
    modelName: "fraud-gbt",
    version: 1,
    format: "ONNX",
    artifactUri: path.join(modelDirectory.directory, fraud.entry.file),
    artifactSha256: fraud.entry.sha256,
    signature: fraud.entry.signature,
    weight: 100,
    featureBins,
  };
}

/** Per-bin counts of one feature's histogram on an endpoint, from the runtime's /metrics. */
async function scrapeCounts(endpoint: string) {
  const text = await (await fetch(`${runtime.baseUrl}/metrics`)).text();
  const samples = parsePrometheusText(text).filter((s) => s.labels.endpoint === endpoint);
  const byFeature = new Map<string, Array<{ le: number; count: number }>>();
  for (const s of samples.filter((x) => x.name === `${FAMILY}_bucket`)) {
    const buckets = byFeature.get(s.labels.feature!) ?? [];
    buckets.push({ le: parseBucketBound(s.labels.le!), count: s.value });
    byFeature.set(s.labels.feature!, buckets);
  }
  const totals = new Map(samples.filter((s) => s.name === `${FAMILY}_count`).map((s) => [s.labels.feature!, s.value]));
  return {
    text,
    counts: new Map([...byFeature].map(([feature, buckets]) => [feature, countsFromCumulativeBuckets(buckets)])),
    totals,
  };
}

describe("per-feature value histograms in the runtime", () => {
  it("exports every feature's reference bins with zero counts as soon as the variant is loaded", async () => {
    await target.apply({ endpointName: "fraud-drift", variants: [variant(fraud.bins)] });
    const { counts, totals } = await scrapeCounts("fraud-drift");
    expect([...counts.keys()].sort()).toEqual(fraud.bins.map((b) => b.name).sort());
    for (const bins of fraud.bins) {
      const expectedBins = bins.kind === "NUMERIC" ? bins.edges.length + 1 : bins.categories.length + 1;
      expect(counts.get(bins.name)).toEqual(new Array<number>(expectedBins).fill(0));
      expect(totals.get(bins.name)).toBe(0);
    }
    expect(fraud.bins.some((b) => b.kind === "CATEGORICAL")).toBe(true);
    expect(fraud.bins.some((b) => b.kind === "NUMERIC")).toBe(true);
  });

  it("counts each served row into the bin the reference profile's bin function picks", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => rowObject(fraud.model.test, i));
    for (let start = 0; start < rows.length; start += 100) {
      expect(
        (
          await postJson(`${runtime.baseUrl}/v1/endpoints/fraud-drift/predict`, {
            rows: rows.slice(start, start + 100),
          })
        ).status,
      ).toBe(200);
    }
    const { counts, totals } = await scrapeCounts("fraud-drift");
    for (const bins of fraud.bins) {
      const expected = new Array<number>(
        bins.kind === "NUMERIC" ? bins.edges.length + 1 : bins.categories.length + 1,
      ).fill(0);
      for (const row of rows) expected[binIndex(bins, row[bins.name]!)]! += 1;
      expect(counts.get(bins.name), bins.name).toEqual(expected);
      expect(totals.get(bins.name)).toBe(300);
    }
  });

  it("keeps counts across a re-apply with the same bins and restarts them when the bins change", async () => {
    await target.apply({ endpointName: "fraud-drift", variants: [variant(fraud.bins)] });
    expect((await scrapeCounts("fraud-drift")).totals.get("amount")).toBe(300);

    const hourAsCategories: FeatureBinsSpec = { name: "hour", kind: "CATEGORICAL", edges: [], categories: ["1", "2"] };
    await target.apply({ endpointName: "fraud-drift", variants: [variant([hourAsCategories])] });
    const row = { ...rowObject(fraud.model.test, 0), hour: 2 };
    await postJson(`${runtime.baseUrl}/v1/endpoints/fraud-drift/predict`, {
      rows: [row, { ...row, hour: 1 }, { ...row, hour: 23 }],
    });
    const { counts, text } = await scrapeCounts("fraud-drift");
    expect([...counts.keys()]).toEqual(["hour"]);
    expect(counts.get("hour")).toEqual([1, 1, 1]);
    expect(text).toContain(`${FAMILY}_bucket{endpoint="fraud-drift",variant="fraud-gbt-v1",feature="hour",le="1"} 2`);
    expect(text).toContain(`${FAMILY}_sum{endpoint="fraud-drift",variant="fraud-gbt-v1",feature="hour"} 3`);
  });

  it("refuses bins for an input the signature does not have", async () => {
    const stray: FeatureBinsSpec = { name: "no_such_input", kind: "NUMERIC", edges: [1], categories: [] };
    await expect(target.apply({ endpointName: "fraud-stray", variants: [variant([stray])] })).rejects.toThrow(
      LocalRuntimeError,
    );
    await expect(target.apply({ endpointName: "fraud-stray", variants: [variant([stray])] })).rejects.toThrow(
      /no_such_input/,
    );
  });

  it("drops a removed endpoint's histograms and exposes metrics promtool accepts", async () => {
    await target.apply({ endpointName: "fraud-other", variants: [variant(fraud.bins)] });
    await target.delete("fraud-drift");
    const { text } = await scrapeCounts("fraud-drift");
    expect(text).not.toContain(`${FAMILY}_bucket{endpoint="fraud-drift"`);
    expect(text).toContain(`${FAMILY}_bucket{endpoint="fraud-other"`);
    expect(() => execFileSync("/usr/bin/promtool", ["check", "metrics"], { input: text })).not.toThrow();
  });
});
