import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import { generateTraffic } from "@/scripts/traffic/generate-traffic";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import { actingAs, type ServiceContext } from "@/server/services/context";
import { scanEndpointNow } from "@/server/services/drift/actions";
import { driftAlertKey } from "@/server/services/drift/alerts";
import { scanDrift } from "@/server/services/drift/scan";
import { endpointDrift, featureDrift, fleetDrift } from "@/server/services/drift/views";
import { registerVersion } from "@/server/services/registry/register-version";
import { givenUser } from "@/tests/integration/fixtures";
import { givenModel, givenRun } from "@/tests/integration/registry/fixtures";
import { startRuntime, temporaryDirectory, type RunningRuntime } from "@/tests/integration/runtime/runtime-process";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

const ROWS_PER_REQUEST = 25;
const REQUESTS = 60;

let modelDirectory: Awaited<ReturnType<typeof temporaryDirectory>>;
let runtime: RunningRuntime;
let prometheus: RunningPrometheus | undefined;

beforeAll(async () => {
  modelDirectory = await temporaryDirectory("modelport-drift-models-");
  runtime = await startRuntime({ RUNTIME_INFERENCE_THREADS: "1" });
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await runtime?.stop();
  await modelDirectory?.remove();
});

/** Registers the fraud model through the real path: the run's training-sample.csv becomes the reference profile. */
async function registerFraudVersion(ctx: ServiceContext, entry: ManifestEntry) {
  const model = await givenModel(ctx);
  const onnx = await readFile(path.join(modelDirectory.directory, entry.file));
  const { run } = await givenRun(ctx, { artifacts: { "model.onnx": onnx }, status: "RUNNING" });
  const csv = await readFile(path.join(modelDirectory.directory, entry.trainingSample), "utf8");
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
    signature: entry.signature,
  });
  const reference = await db().referenceProfile.findUniqueOrThrow({
    where: { versionId: version.id },
    include: { features: { orderBy: { position: "asc" } } },
  });
  return { model, version, reference };
}

/** The newest sample time of the variant's feature histograms: evaluating increase() there needs no extrapolation. */
async function lastScrapeTime(client: RunningPrometheus["client"], endpoint: string) {
  const stamps = await client.query(`max(timestamp(modelport_runtime_feature_value_count{endpoint="${endpoint}"}))`);
  return new Date(Math.round(stamps[0]!.value * 1000));
}

describe("drift scan against a real runtime and a real Prometheus", () => {
  it("flags the shifted feature (amount) and no other, with n = rows served, and stores what it computed", async () => {
    const { ctx, user } = await givenUser("DATA_SCIENTIST");
    const { manifest } = await writeModels(modelDirectory.directory);
    const entry = manifest.find((m) => m.name === "fraud-gbt")!;
    const { model, version, reference } = await registerFraudVersion(ctx, entry);
    expect(reference.features.map((f) => f.name)).toEqual(entry.signature.inputs.map((i) => i.name));

    const endpointName = `drift-${version.id.slice(-8)}`;
    const endpoint = await db().endpoint.create({
      data: {
        name: endpointName,
        modelId: model.id,
        environment: "PRODUCTION",
        target: "LOCAL",
        variants: { create: { versionId: version.id, variantName: "blue", weight: 100 } },
      },
    });
    const featureBins = reference.features.map((f) => ({
      name: f.name,
      kind: f.kind,
      edges: f.edges,
      categories: f.categories,
    }));
    const put = await fetch(`${runtime.baseUrl}/v1/control/endpoints/${endpointName}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        variants: [
          {
            variantName: "blue",
            modelPath: path.join(modelDirectory.directory, entry.file),
            sha256: entry.sha256,
            signature: entry.signature,
            weight: 100,
            featureBins,
          },
        ],
      }),
    });
    expect(put.status).toBe(200);

    prometheus = await startPrometheus({ targets: [new URL(runtime.baseUrl).host], scrapeIntervalSeconds: 1 });
    await prometheus.waitForScrape(); // the zero-valued buckets are stored before any row arrives

    const traffic = await generateTraffic({
      runtimeUrl: runtime.baseUrl,
      controlToken: runtime.controlToken,
      endpoints: [endpointName],
      rate: 50,
      maxRequests: REQUESTS,
      batch: ROWS_PER_REQUEST,
      drift: ["amount"],
      driftAfterSeconds: 0,
      concurrency: 8,
    });
    const tally = traffic.endpoints[0]!;
    expect(tally.okRequests).toBe(REQUESTS);
    expect(tally.rows).toBe(REQUESTS * ROWS_PER_REQUEST);
    await prometheus.waitForScrape();

    const windowEnd = await lastScrapeTime(prometheus.client, endpointName);
    const [result] = await scanDrift(
      { db: db(), prometheus: prometheus.client },
      { endpointId: endpoint.id, windowSeconds: 600, windowEnd },
    );
    expect(result).toMatchObject({ endpointName, variantName: "blue", status: "ALERT", worstFeature: "amount" });

    const thresholds = await db().registeredModel.findUniqueOrThrow({ where: { id: model.id } });
    expect(thresholds).toMatchObject({ driftWarnPsi: 0.1, driftAlertPsi: 0.25 });
    const stored = await db().driftReport.findUniqueOrThrow({
      where: { id: result!.reportId },
      include: { features: true },
    });
    expect(stored).toMatchObject({
      versionId: version.id,
      status: "ALERT",
      worstFeature: "amount",
      windowEnd,
      windowStart: new Date(windowEnd.getTime() - 600_000),
    });
    expect(stored.features.map((f) => f.name).sort()).toEqual(reference.features.map((f) => f.name).sort());
    for (const feature of stored.features) {
      expect(feature.sampleSize, feature.name).toBe(tally.rows);
      expect(feature.referenceSize).toBe(reference.sampleSize);
      expect(
        feature.counts.reduce((s, c) => s + c, 0),
        feature.name,
      ).toBe(tally.rows);
      const bins = reference.features.find((f) => f.name === feature.name)!.proportions.length;
      expect(feature.expectedPsi).toBeCloseTo((bins - 1) * (1 / tally.rows + 1 / reference.sampleSize), 12);
      if (feature.name === "amount") {
        expect(feature.status).toBe("ALERT");
        expect(feature.psi).toBeGreaterThan(thresholds.driftAlertPsi);
        expect(stored.worstPsi).toBe(feature.psi);
      } else {
        expect(feature.status, `${feature.name} PSI ${feature.psi}`).toBe("OK");
        expect(feature.psi, feature.name).toBeLessThan(thresholds.driftWarnPsi);
      }
    }

    const alert = await db().alert.findUniqueOrThrow({ where: { dedupeKey: driftAlertKey(endpoint.id, "blue") } });
    expect(alert).toMatchObject({ kind: "DRIFT", severity: "CRITICAL", endpointId: endpoint.id, resolvedAt: null });

    // Scanning the same window again (a retried job) answers the stored report instead of writing another one.
    const [again] = await scanDrift(
      { db: db(), prometheus: prometheus.client },
      { endpointId: endpoint.id, windowSeconds: 600, windowEnd },
    );
    expect(again!.reportId).toBe(result!.reportId);
    expect(await db().driftReport.count({ where: { endpointId: endpoint.id } })).toBe(1);

    // The views read back what was stored.
    const fleet = await fleetDrift(ctx, { environment: "PRODUCTION" });
    const row = fleet.find((r) => r.endpointId === endpoint.id)!;
    expect(row.report).toMatchObject({
      status: "ALERT",
      worstFeature: { name: "amount", sampleSize: tally.rows, referenceSize: reference.sampleSize },
    });
    const heatmap = await endpointDrift(ctx, { endpointId: endpoint.id, reports: 48 });
    expect(heatmap.reportsByVariant[0]!.features).toEqual(reference.features.map((f) => f.name));
    const amount = await featureDrift(ctx, { endpointId: endpoint.id, feature: "amount" });
    expect(amount.latest!.bins.reduce((s, b) => s + b.productionCount, 0)).toBe(tally.rows);
    expect(amount.latest!.promql).toContain(`feature="amount"`);

    // The same views through tRPC; "now" is fixed so that "scan now" below scans one window both ways.
    const fromEnv = systemContextFromEnv();
    const now = new Date();
    const system = {
      ...fromEnv,
      prometheus: prometheus.client,
      clock: () => now,
      settings: { ...fromEnv.settings, driftWindowSeconds: 600 },
    };
    const caller = await trpcCallerFor(user.id, system);
    expect(await caller.drift.fleet({ environment: "PRODUCTION" })).toEqual(fleet);
    expect(await caller.drift.model({ endpointId: endpoint.id, reports: 48 })).toEqual(heatmap);
    expect(await caller.drift.feature({ endpointId: endpoint.id, feature: "amount" })).toEqual(amount);

    // "Scan now" (window ending now) is audited; with a minimum sample far above n the same data gets no verdict, and an
    // INSUFFICIENT_DATA scan leaves the open alert alone.
    await db().registeredModel.update({ where: { id: model.id }, data: { driftMinSamples: tally.rows * 10 } });
    const scanned = await scanEndpointNow(actingAs(system, ctx.actor), { endpointId: endpoint.id, windowSeconds: 600 });
    const [small] = scanned;
    expect(small!.status).toBe("INSUFFICIENT_DATA");
    // Through tRPC the same window (600 s ending `now`) answers the report just stored.
    expect(await caller.drift.scanNow({ endpointId: endpoint.id })).toEqual(scanned);
    expect((await db().alert.findUniqueOrThrow({ where: { dedupeKey: alert.dedupeKey } })).resolvedAt).toBeNull();
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "drift.scan", entityId: endpoint.id } });
    expect(audit.actorId).toBe(ctx.actor.userId);
  }, 120_000);

  it("per-model thresholds: 0 < warn < alert, models:write only, audited", async () => {
    const { ctx, user } = await givenUser("DATA_SCIENTIST");
    const viewer = await givenUser("VIEWER");
    const model = await givenModel(ctx);
    const caller = await trpcCallerFor(user.id);
    await expect(
      caller.drift.setThresholds({ modelName: model.name, warnPsi: 0.3, alertPsi: 0.2, minSamples: 100 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      (await trpcCallerFor(viewer.user.id)).drift.setThresholds({
        modelName: model.name,
        warnPsi: 0.05,
        alertPsi: 0.2,
        minSamples: 100,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      caller.drift.setThresholds({ modelName: "no-such-model", warnPsi: 0.05, alertPsi: 0.2, minSamples: 100 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });

    expect(
      await caller.drift.setThresholds({ modelName: model.name, warnPsi: 0.05, alertPsi: 0.2, minSamples: 100 }),
    ).toEqual({ modelName: model.name, warnPsi: 0.05, alertPsi: 0.2, minSamples: 100 });
    expect(await db().registeredModel.findUniqueOrThrow({ where: { id: model.id } })).toMatchObject({
      driftWarnPsi: 0.05,
      driftAlertPsi: 0.2,
      driftMinSamples: 100,
    });
    const audit = await db().auditLog.findFirstOrThrow({
      where: { action: "model.drift-thresholds", entityId: model.id },
    });
    expect(audit).toMatchObject({
      before: { warnPsi: 0.1, alertPsi: 0.25, minSamples: 500 },
      after: { warnPsi: 0.05, alertPsi: 0.2, minSamples: 100 },
    });
  });
});
