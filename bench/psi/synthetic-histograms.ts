import { createServer, type Server } from "node:http";
import { FeatureHistogramFamily } from "@/runtime/feature-histograms";
import type { VariantConfig } from "@/contracts/runtime-control";
import { seededRandom } from "@/training/random";
import { sampleBinCounts, sampleQuantileEdges } from "@/server/services/drift/sample-psi";

export type SyntheticFeature = { name: string; edges: number[]; proportions: number[]; shifted: boolean };

/**
 * A synthetic model with `features` numeric inputs and `bins`-bin reference profiles (quantiles of a 20,000-row
 * N(0,1) sample); every fifth feature drifts in "production" (mean +0.5). Rows are counted with the runtime's own
 * FeatureHistogramFamily, so the exposition is exactly what the runtime serves.
 */
export function syntheticModel(features: number, bins: number) {
  const random = seededRandom(42);
  const profile: SyntheticFeature[] = Array.from({ length: features }, (_, f) => {
    const reference = Float64Array.from({ length: 20_000 }, () => random.normal());
    const edges = sampleQuantileEdges(reference, bins);
    const proportions = Array.from(sampleBinCounts(reference, edges), (c) => c / reference.length);
    return { name: `feature_${String(f).padStart(3, "0")}`, edges, proportions, shifted: f % 5 === 0 };
  });
  const config = {
    variantName: "v1",
    modelPath: "/dev/null",
    sha256: "0".repeat(64),
    weight: 100,
    instanceType: "local-cpu",
    instanceCount: 1,
    signature: {
      inputs: profile.map((p) => ({ name: p.name, type: "float32" as const })),
      outputs: [{ name: "score", type: "float32" as const }],
    },
    featureBins: profile.map((p) => ({ name: p.name, kind: "NUMERIC" as const, edges: p.edges, categories: [] })),
  } satisfies VariantConfig;
  return { profile, config };
}

/** Serves /metrics for one variant and counts `rowsPerTick` new production rows every `tickMs`. */
export async function serveSyntheticHistograms(
  endpoint: string,
  model: ReturnType<typeof syntheticModel>,
  rowsPerTick = 200,
  tickMs = 100,
) {
  const family = new FeatureHistogramFamily();
  const histograms = family.forVariant(endpoint, model.config)!;
  const random = seededRandom(7);
  const tick = () => {
    const rows = Array.from({ length: rowsPerTick }, () =>
      model.profile.map((p) => random.normal(p.shifted ? 0.5 : 0)),
    );
    histograms.observe(rows);
  };
  tick();
  const timer = setInterval(tick, tickMs);
  const server: Server = createServer((request, response) => {
    response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    response.end(family.exposition());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("No port");
  return {
    target: `127.0.0.1:${address.port}`,
    stop: async () => {
      clearInterval(timer);
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
