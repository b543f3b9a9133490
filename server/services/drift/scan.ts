import type { Db } from "@/server/db/client";
import type { DriftStatus } from "@/server/db/generated/enums";
import type { SystemContext } from "@/server/services/context";
import { syncDriftAlert } from "@/server/services/drift/alerts";
import { binCountsByFeature, featureHistogramQuery } from "@/server/services/drift/query";
import { featureStatus, worstFeature, worstStatus, type DriftThresholds } from "@/server/services/drift/status";
import { expectedPsiUnderNoDrift, noiseCeilingPsi } from "@/lib/drift-noise";
import { populationStabilityIndex } from "@/server/services/drift/psi";
import type { DriftScanResult } from "@/server/services/drift/schemas";

export type DriftScanContext = Pick<SystemContext, "db" | "prometheus">;

export type DriftScanOptions = {
  windowSeconds: number;
  /** The end of the production window (default: now). */
  windowEnd?: Date;
  /** Only this endpoint's variants (default: every endpoint). */
  endpointId?: string;
};

type ScannedFeature = {
  name: string;
  psi: number;
  sampleSize: number;
  referenceSize: number;
  expectedPsi: number;
  status: DriftStatus;
  counts: number[];
};

const totalOf = (counts: readonly number[]) => counts.reduce((sum, c) => sum + c, 0);

function variantsToScan(db: Db, endpointId: string | undefined) {
  return db.endpointVariant.findMany({
    where: { ...(endpointId ? { endpointId } : {}), version: { reference: { isNot: null } } },
    include: {
      endpoint: { include: { model: true } },
      version: { include: { reference: { include: { features: { orderBy: { position: "asc" } } } } } },
    },
    orderBy: [{ endpointId: "asc" }, { variantName: "asc" }],
  });
}

type VariantToScan = Awaited<ReturnType<typeof variantsToScan>>[number];

/**
 * Compares one variant's production window with its version's reference profile, feature by feature. n is the rows
 * in the window as Prometheus' increase() estimates them (it extrapolates to the window's edges, so n is rounded).
 */
function scoreFeatures(variant: VariantToScan, countsByFeature: Map<string, number[]>): ScannedFeature[] {
  const reference = variant.version.reference!;
  const model = variant.endpoint.model;
  const thresholds: DriftThresholds = {
    warnPsi: model.driftWarnPsi,
    alertPsi: model.driftAlertPsi,
    minSamples: model.driftMinSamples,
  };
  return reference.features.map((feature) => {
    const bins = feature.proportions.length;
    const counts = countsByFeature.get(feature.name) ?? new Array<number>(bins).fill(0);
    const sampleSize = Math.round(totalOf(counts));
    const psi = sampleSize > 0 ? populationStabilityIndex(feature.proportions, counts) : 0;
    const ceiling = sampleSize > 0 ? noiseCeilingPsi(bins, sampleSize, reference.sampleSize) : 0;
    return {
      name: feature.name,
      psi,
      sampleSize,
      referenceSize: reference.sampleSize,
      expectedPsi: sampleSize > 0 ? expectedPsiUnderNoDrift(bins, sampleSize, reference.sampleSize) : 0,
      status: sampleSize > 0 ? featureStatus(psi, sampleSize, thresholds, ceiling) : "INSUFFICIENT_DATA",
      counts,
    };
  });
}

async function scanVariant(
  ctx: DriftScanContext,
  variant: VariantToScan,
  windowStart: Date,
  windowEnd: Date,
  windowSeconds: number,
) {
  const existing = await ctx.db.driftReport.findFirst({
    where: { endpointId: variant.endpointId, variantName: variant.variantName, windowStart, windowEnd },
  });
  if (existing) return existing;
  const reference = variant.version.reference!;
  const query = featureHistogramQuery(variant.endpoint.name, variant.variantName, windowSeconds);
  const samples = await ctx.prometheus.query(query, windowEnd);
  const expectedBins = new Map(reference.features.map((f) => [f.name, f.proportions.length]));
  const features = scoreFeatures(variant, binCountsByFeature(samples, expectedBins));
  const status = worstStatus(features.map((f) => f.status));
  const worst = worstFeature(features.filter((f) => f.sampleSize > 0));
  return ctx.db.$transaction(async (tx) => {
    const report = await tx.driftReport.create({
      data: {
        endpointId: variant.endpointId,
        variantName: variant.variantName,
        versionId: variant.versionId,
        windowStart,
        windowEnd,
        status,
        worstFeature: worst?.name ?? null,
        worstPsi: worst?.psi ?? null,
        features: { create: features.filter((f) => f.sampleSize > 0) },
      },
    });
    await syncDriftAlert(tx, {
      report,
      endpointName: variant.endpoint.name,
      modelName: variant.endpoint.model.name,
      worst,
    });
    return report;
  });
}

/**
 * One drift scan: for every endpoint variant whose version has a reference profile, one Prometheus query for the
 * window's per-feature histogram increase, PSI per feature against the reference, and one stored DriftReport (with its
 * DriftFeature rows and the DRIFT alert update) per variant, each in its own transaction. Scanning the same window
 * again (a retried job) answers the stored report instead of writing a second one.
 */
export async function scanDrift(ctx: DriftScanContext, options: DriftScanOptions): Promise<DriftScanResult[]> {
  const windowEnd = options.windowEnd ?? new Date();
  const windowStart = new Date(windowEnd.getTime() - options.windowSeconds * 1000);
  const results: DriftScanResult[] = [];
  for (const variant of await variantsToScan(ctx.db, options.endpointId)) {
    const report = await scanVariant(ctx, variant, windowStart, windowEnd, options.windowSeconds);
    results.push({
      reportId: report.id,
      endpointId: variant.endpointId,
      endpointName: variant.endpoint.name,
      variantName: variant.variantName,
      status: report.status,
      worstFeature: report.worstFeature,
      worstPsi: report.worstPsi,
    });
  }
  return results;
}
