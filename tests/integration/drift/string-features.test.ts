import { describe, expect, it } from "vitest";
import type { VariantConfig } from "@/contracts/runtime-control";
import { minimumSamples, noiseCeilingPsi } from "@/lib/drift-noise";
import { FeatureHistogramFamily } from "@/runtime/feature-histograms";
import { validateRows } from "@/runtime/serving/signature-validation";
import { db } from "@/server/db/client";
import type { InstantSample, PrometheusSource } from "@/server/integrations/prometheus/client";
import { parsePrometheusText } from "@/server/integrations/prometheus/prometheus-text";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import type { ServiceContext } from "@/server/services/context";
import { setDriftThresholds } from "@/server/services/drift/actions";
import { scanDrift } from "@/server/services/drift/scan";
import { featureDrift } from "@/server/services/drift/views";
import { registerVersion } from "@/server/services/registry/register-version";
import { givenUser } from "@/tests/integration/fixtures";
import { givenModel, givenRun } from "@/tests/integration/registry/fixtures";
import { onnxModelFor } from "@/tests/integration/support/model-artifacts";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

/**
 * Invariants: a string input is binned by its exact text everywhere (reference sample → profile → runtime bins →
 * scan), so identical traffic never drifts; a PSI within sampling noise never warns or alerts; thresholds under which
 * noise alone could alert are refused with nothing written.
 */
const POSTCODES = ["01001", "0742", "1001", "00501", "742", "1e3", "02134"];
const signature = {
  inputs: [
    { name: "postcode", type: "string" as const, shape: [-1, 1] },
    { name: "amount", type: "float32" as const, shape: [-1, 1] },
  ],
  outputs: [{ name: "p", type: "float32" as const }],
};
const REFERENCE_ROWS = 1400;
const referenceRows = Array.from({ length: REFERENCE_ROWS }, (_, i) => ({
  postcode: POSTCODES[i % POSTCODES.length]!,
  amount: (i * 37) % 1000,
}));
const csv = ["postcode,amount,label", ...referenceRows.map((r) => `${r.postcode},${r.amount},0`)].join("\n");

async function registerPostcodeVersion(ctx: ServiceContext) {
  const model = await givenModel(ctx);
  const { run } = await givenRun(ctx, { artifacts: { "model.onnx": onnxModelFor(signature) }, status: "RUNNING" });
  await uploadArtifact(ctx, {
    runId: run.id,
    path: "training-sample.csv",
    contentType: "text/csv",
    body: new Blob([csv]).stream(),
  });
  const version = await registerVersion(ctx, model.name, {
    runId: run.id,
    artifactPath: "model.onnx",
    format: "ONNX",
    signature,
  });
  const reference = await db().referenceProfile.findUniqueOrThrow({
    where: { versionId: version.id },
    include: { features: { orderBy: { position: "asc" } } },
  });
  return { model, version, reference };
}

/**
 * The runtime's own histogram code counts the served rows (validated as the runtime validates a JSON request); its
 * exposition, parsed, answers the scan's query as Prometheus' increase() would over a window that began at zero.
 */
function servedThrough(endpointName: string, config: VariantConfig, rows: readonly object[]): PrometheusSource {
  const family = new FeatureHistogramFamily();
  family
    .forVariant(endpointName, config)!
    .observe(validateRows(JSON.parse(JSON.stringify(rows)), config.signature.inputs));
  const samples: InstantSample[] = parsePrometheusText(family.exposition())
    .filter((s) => s.name.endsWith("_bucket"))
    .map((s) => ({ metric: { feature: s.labels.feature!, le: s.labels.le! }, value: s.value, timestamp: 0 }));
  return { query: () => Promise.resolve(samples), queryRange: () => Promise.resolve([]) };
}

async function givenEndpoint(ctx: ServiceContext) {
  const registered = await registerPostcodeVersion(ctx);
  const endpoint = await db().endpoint.create({
    data: {
      name: `postcodes-${registered.version.id.slice(-8)}`,
      modelId: registered.model.id,
      environment: "PRODUCTION",
      target: "LOCAL",
      variants: { create: { versionId: registered.version.id, variantName: "blue", weight: 100 } },
    },
  });
  const config = {
    variantName: "blue",
    modelPath: "/unused.onnx",
    sha256: "0".repeat(64),
    signature,
    weight: 100,
    featureBins: registered.reference.features.map(({ name, kind, edges, categories }) => ({
      name,
      kind,
      edges,
      categories,
    })),
  } as VariantConfig;
  return { ...registered, endpoint, config };
}

describe("string features that look numeric, end to end", () => {
  it("registration profiles the postcode as CATEGORICAL with its exact strings", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const { reference } = await registerPostcodeVersion(ctx);
    const [postcode, amount] = reference.features;
    expect(postcode).toMatchObject({ name: "postcode", kind: "CATEGORICAL", edges: [] });
    expect([...postcode!.categories].sort()).toEqual([...POSTCODES].sort());
    expect(postcode!.proportions.slice(0, 7).every((p) => Math.abs(p - 1 / 7) < 1e-12)).toBe(true);
    expect(postcode!.proportions[7]).toBe(0);
    expect(amount!.kind).toBe("NUMERIC");
  });

  it("identical string traffic scans to PSI ≈ 0 and OK; '01001' is counted in its own bin, not in 'other'", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const { endpoint, reference, config } = await givenEndpoint(ctx);
    const prometheus = servedThrough(endpoint.name, config, referenceRows);
    const [result] = await scanDrift({ db: db(), prometheus }, { endpointId: endpoint.id, windowSeconds: 600 });
    expect(result!.status).toBe("OK");
    const rows = await db().driftFeature.findMany({ where: { reportId: result!.reportId }, orderBy: { name: "asc" } });
    const postcode = rows.find((r) => r.name === "postcode")!;
    expect(postcode.psi).toBeLessThan(1e-9);
    const at = reference.features[0]!.categories.indexOf("01001");
    expect(postcode.counts[at]).toBe(REFERENCE_ROWS / 7);
    expect(postcode.counts.at(-1)).toBe(0);
    expect(rows.every((r) => r.status === "OK")).toBe(true);
  });

  it("a small window whose PSI is over the alert threshold but under its noise ceiling is OK, not ALERT", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const { endpoint, model, config } = await givenEndpoint(ctx);
    await db().registeredModel.update({ where: { id: model.id }, data: { driftMinSamples: 1 } });
    // 21 rows with every postcode present but unevenly (7, 5, 2, 2, 2, 2, 1): PSI ≈ 0.39, over the 0.25 alert
    // threshold, yet a 21-row window is mostly noise (no bin is empty, so the χ² approximation holds).
    const mix = [7, 5, 2, 2, 2, 2, 1].flatMap((count, i) => new Array<string>(count).fill(POSTCODES[i]!));
    const rows = mix.map((postcode, i) => ({ postcode, amount: (i * 37) % 1000 }));
    const [result] = await scanDrift(
      { db: db(), prometheus: servedThrough(endpoint.name, config, rows) },
      { endpointId: endpoint.id, windowSeconds: 600 },
    );
    const postcode = await db().driftFeature.findUniqueOrThrow({
      where: { reportId_name: { reportId: result!.reportId, name: "postcode" } },
    });
    const ceiling = noiseCeilingPsi(8, 21, REFERENCE_ROWS);
    expect(postcode.psi).toBeGreaterThan(0.25);
    expect(postcode.psi).toBeLessThan(ceiling);
    expect(postcode.status).toBe("OK");
    const view = await featureDrift(ctx, { endpointId: endpoint.id, feature: "postcode" });
    expect(view.latest!.noiseCeiling).toBeCloseTo(ceiling, 12);
    expect(view.thresholds.noiseBasis).toEqual({ bins: 10, referenceSize: REFERENCE_ROWS });

    // The same shift in a large window is drift: above the ceiling and the threshold.
    const many = Array.from({ length: 2100 }, (_, i) => ({ postcode: POSTCODES[i % 3]!, amount: (i * 37) % 1000 }));
    const [large] = await scanDrift(
      { db: db(), prometheus: servedThrough(endpoint.name, config, many) },
      { endpointId: endpoint.id, windowSeconds: 300 },
    );
    expect(large!.status).toBe("ALERT");
    expect(large!.worstFeature).toBe("postcode");
  });

  it("refuses thresholds under which noise alone reaches the alert threshold, naming the minimum, writing nothing", async () => {
    const { ctx, user } = await givenUser("DATA_SCIENTIST");
    const { model } = await givenEndpoint(ctx);
    const before = await db().registeredModel.findUniqueOrThrow({ where: { id: model.id } });
    // The amount feature has 10 bins and the postcode 8; the model's worst case is B = 10 with m = 1400.
    const basis = { bins: 10, referenceSize: REFERENCE_ROWS };
    const minimum = minimumSamples(basis, 0.25)!;
    const attempt = (alertPsi: number, minSamples: number) =>
      setDriftThresholds(ctx, { modelName: model.name, warnPsi: 0.05, alertPsi, minSamples });

    await expect(attempt(0.25, minimum - 1)).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining(`at least ${minimum}`),
      details: { code: "DRIFT_MIN_SAMPLES_TOO_LOW", minimumSamples: minimum },
    });
    // Through tRPC, as the thresholds form sends it: a 400 whose message names the minimum.
    const caller = await trpcCallerFor(user.id);
    await expect(
      caller.drift.setThresholds({ modelName: model.name, warnPsi: 0.05, alertPsi: 0.25, minSamples: minimum - 1 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining(`at least ${minimum}`) });
    // Lowering the alert threshold raises the minimum: the current 500 rows is no longer enough for 0.06.
    const lowered = minimumSamples(basis, 0.06)!;
    expect(lowered).toBeGreaterThan(500);
    await expect(attempt(0.06, 500)).rejects.toMatchObject({
      details: { code: "DRIFT_MIN_SAMPLES_TOO_LOW", minimumSamples: lowered },
    });
    // No window can honour an alert threshold below χ²/m.
    await expect(attempt(0.015, 100_000_000)).rejects.toMatchObject({ details: { code: "DRIFT_ALERT_BELOW_NOISE" } });
    expect(await db().registeredModel.findUniqueOrThrow({ where: { id: model.id } })).toEqual(before);
    expect(await db().auditLog.count({ where: { action: "model.drift-thresholds", entityId: model.id } })).toBe(0);

    expect(await attempt(0.25, minimum)).toMatchObject({ alertPsi: 0.25, minSamples: minimum });
  });
});
