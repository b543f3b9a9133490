import type { z } from "zod";
import type { Endpoint, RegisteredModel } from "@/server/db/generated/client";
import { noiseCeilingPsi, type NoiseBasis } from "@/lib/drift-noise";
import { notFound } from "@/server/errors";
import type { ReadContext } from "@/server/services/context";
import { binLabels } from "@/server/services/drift/bin-labels";
import { noiseBasisByModel, noiseBasisOf } from "@/server/services/drift/noise-basis";
import { singleFeatureQuery } from "@/server/services/drift/query";
import type {
  EndpointDrift,
  endpointDriftInput,
  FeatureDrift,
  featureDriftInput,
  FleetDrift,
  fleetDriftInput,
} from "@/server/services/drift/schemas";

const thresholdsOf = (
  model: { driftWarnPsi: number; driftAlertPsi: number; driftMinSamples: number },
  noiseBasis: NoiseBasis | null,
) => ({
  warnPsi: model.driftWarnPsi,
  alertPsi: model.driftAlertPsi,
  minSamples: model.driftMinSamples,
  noiseBasis,
});

/** What every drift view says about the endpoint it shows. */
const endpointSummary = (endpoint: Endpoint & { model: RegisteredModel }, noiseBasis: NoiseBasis | null) => ({
  endpointId: endpoint.id,
  endpointName: endpoint.name,
  environment: endpoint.environment,
  modelName: endpoint.model.name,
  teamId: endpoint.model.teamId,
  isDemo: endpoint.model.isDemo,
  thresholds: thresholdsOf(endpoint.model, noiseBasis),
});

/** A stored feature score with its noise ceiling (B = the stored counts' bins). */
const scoreOf = (f: {
  psi: number;
  sampleSize: number;
  referenceSize: number;
  expectedPsi: number;
  counts: number[];
}) => ({
  psi: f.psi,
  sampleSize: f.sampleSize,
  referenceSize: f.referenceSize,
  expectedPsi: f.expectedPsi,
  noiseCeiling: noiseCeilingPsi(f.counts.length, f.sampleSize, f.referenceSize),
});

const windowSecondsOf = (report: { windowStart: Date; windowEnd: Date }) =>
  Math.round((report.windowEnd.getTime() - report.windowStart.getTime()) / 1000);

/** Every endpoint variant (production by default) with its latest drift report and that report's worst feature. */
export async function fleetDrift(ctx: ReadContext, input: z.infer<typeof fleetDriftInput>): Promise<FleetDrift> {
  const endpoints = await ctx.db.endpoint.findMany({
    where: input.environment === "ALL" ? {} : { environment: input.environment },
    include: {
      model: true,
      variants: {
        include: { version: { select: { version: true, reference: { select: { id: true } } } } },
        orderBy: { variantName: "asc" },
      },
    },
    orderBy: { name: "asc" },
  });
  const latest = await ctx.db.driftReport.findMany({
    where: { endpointId: { in: endpoints.map((e) => e.id) } },
    orderBy: [{ windowEnd: "desc" }, { createdAt: "desc" }],
    distinct: ["endpointId", "variantName"],
    include: { features: true },
  });
  const bases = await noiseBasisByModel(ctx.db, [...new Set(endpoints.map((e) => e.modelId))]);
  const reportOf = (endpointId: string, variantName: string) =>
    latest.find((r) => r.endpointId === endpointId && r.variantName === variantName);
  return endpoints.flatMap((endpoint) =>
    endpoint.variants.map((variant) => {
      const report = reportOf(endpoint.id, variant.variantName);
      const worst = report?.features.find((f) => f.name === report.worstFeature);
      return {
        ...endpointSummary(endpoint, bases.get(endpoint.modelId) ?? null),
        variantName: variant.variantName,
        weight: variant.weight,
        version: variant.version.version,
        hasReference: variant.version.reference !== null,
        report: report
          ? {
              id: report.id,
              status: report.status,
              windowStart: report.windowStart,
              windowEnd: report.windowEnd,
              worstFeature: worst ? { name: worst.name, ...scoreOf(worst) } : null,
            }
          : null,
      };
    }),
  );
}

async function endpointWithModel(ctx: ReadContext, endpointId: string) {
  const endpoint = await ctx.db.endpoint.findUnique({
    where: { id: endpointId },
    include: {
      model: true,
      variants: { include: { version: { select: { version: true } } }, orderBy: { variantName: "asc" } },
    },
  });
  if (!endpoint) throw notFound(`Endpoint ${endpointId}`);
  return endpoint;
}

/** One endpoint's recent reports per variant (oldest first, for the features × time heatmap) with every feature row. */
export async function endpointDrift(
  ctx: ReadContext,
  input: z.infer<typeof endpointDriftInput>,
): Promise<EndpointDrift> {
  const endpoint = await endpointWithModel(ctx, input.endpointId);
  const variantNames = [...new Set([...endpoint.variants.map((v) => v.variantName)])];
  const reportsByVariant = await Promise.all(
    variantNames.map(async (variantName) => {
      const reports = await ctx.db.driftReport.findMany({
        where: { endpointId: endpoint.id, variantName },
        orderBy: [{ windowEnd: "desc" }, { createdAt: "desc" }],
        take: input.reports,
        include: {
          features: { orderBy: { name: "asc" } },
          version: {
            select: { version: true, reference: { select: { features: { select: { name: true, position: true } } } } },
          },
        },
      });
      const newest = reports[0];
      const order = new Map(newest?.version.reference?.features.map((f) => [f.name, f.position]) ?? []);
      const features = [...new Set(reports.flatMap((r) => r.features.map((f) => f.name)))].sort(
        (a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9) || a.localeCompare(b),
      );
      return {
        variantName,
        features,
        reports: reports.reverse().map((r) => ({
          id: r.id,
          version: r.version.version,
          status: r.status,
          windowStart: r.windowStart,
          windowEnd: r.windowEnd,
          windowSeconds: windowSecondsOf(r),
          worstFeature: r.worstFeature,
          worstPsi: r.worstPsi,
          features: r.features.map((f) => ({ name: f.name, ...scoreOf(f), status: f.status })),
        })),
      };
    }),
  );
  return {
    ...endpointSummary(endpoint, await noiseBasisOf(ctx.db, endpoint.modelId)),
    variants: endpoint.variants.map((v) => ({
      variantName: v.variantName,
      weight: v.weight,
      version: v.version.version,
    })),
    reportsByVariant,
  };
}

/** One feature of one variant: reference vs production proportions per bin from the latest report, and its PromQL. */
export async function featureDrift(ctx: ReadContext, input: z.infer<typeof featureDriftInput>): Promise<FeatureDrift> {
  const endpoint = await endpointWithModel(ctx, input.endpointId);
  const variantName = input.variantName ?? endpoint.variants[0]?.variantName;
  const report = variantName
    ? await ctx.db.driftReport.findFirst({
        where: { endpointId: endpoint.id, variantName, features: { some: { name: input.feature } } },
        orderBy: [{ windowEnd: "desc" }, { createdAt: "desc" }],
        include: {
          features: { where: { name: input.feature } },
          version: { include: { reference: { include: { features: { where: { name: input.feature } } } } } },
        },
      })
    : null;
  const reference = report?.version.reference;
  const referenceFeature = reference?.features[0];
  const production = report?.features[0];
  const base = {
    endpointId: endpoint.id,
    endpointName: endpoint.name,
    modelName: endpoint.model.name,
    isDemo: endpoint.model.isDemo,
    feature: input.feature,
    variantName: variantName ?? null,
    variants: endpoint.variants.map((v) => v.variantName),
    thresholds: thresholdsOf(endpoint.model, await noiseBasisOf(ctx.db, endpoint.modelId)),
  };
  if (!report || !reference || !referenceFeature || !production) return { ...base, latest: null };
  const labels = binLabels({
    kind: referenceFeature.kind,
    edges: referenceFeature.edges,
    categories: referenceFeature.categories,
  });
  const total = production.counts.reduce((sum, c) => sum + c, 0);
  return {
    ...base,
    latest: {
      reportId: report.id,
      version: report.version.version,
      windowStart: report.windowStart,
      windowEnd: report.windowEnd,
      kind: referenceFeature.kind,
      ...scoreOf(production),
      status: production.status,
      promql: singleFeatureQuery(endpoint.name, report.variantName, input.feature, windowSecondsOf(report)),
      bins: labels.map((label, i) => ({
        label,
        reference: referenceFeature.proportions[i] ?? 0,
        production: total > 0 ? (production.counts[i] ?? 0) / total : 0,
        productionCount: production.counts[i] ?? 0,
      })),
    },
  };
}
