import { type driftThresholdsInput } from "@/contracts/drift";
import type { z } from "zod";
import { lowestAlertPsi, minimumSamples, NOISE_QUANTILE, type NoiseBasis } from "@/lib/drift-noise";
import { badRequest, notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { noiseBasisOf } from "@/server/services/drift/noise-basis";
import { scanDrift } from "@/server/services/drift/scan";
import type { DriftScanResult, ModelDriftThresholds, scanNowInput } from "@/server/services/drift/schemas";

/**
 * "Scan now" for one endpoint: the same scan the repeatable job runs, audited because a person asked for it. The
 * window ends now and lasts the configured drift window unless `windowSeconds` says otherwise.
 */
export async function scanEndpointNow(
  ctx: ServiceContext,
  {
    windowSeconds = ctx.settings.driftWindowSeconds,
    ...input
  }: z.infer<typeof scanNowInput> & { windowSeconds?: number },
): Promise<DriftScanResult[]> {
  const endpoint = await ctx.db.endpoint.findUnique({
    where: { id: input.endpointId },
    select: { id: true, name: true },
  });
  if (!endpoint) throw notFound(`Endpoint ${input.endpointId}`);
  const results = await scanDrift(ctx, { endpointId: endpoint.id, windowSeconds, windowEnd: ctx.clock() });
  await ctx.db.$transaction((tx) =>
    recordAudit(tx, ctx.actor, {
      action: "drift.scan",
      entityType: "Endpoint",
      entityId: endpoint.id,
      after: {
        endpoint: endpoint.name,
        windowSeconds,
        reports: results.map((r) => ({ variant: r.variantName, status: r.status })),
      },
    }),
  );
  return results;
}

/**
 * Refuses thresholds under which sampling noise alone could reach the alert threshold: a minimum window smaller than
 * the smallest n whose no-drift 99.9% PSI stays below `alertPsi` (for the model's bins and reference size), or an
 * alert threshold no window size can honour with the model's reference sample.
 */
function assertAboveNoise(basis: NoiseBasis | null, input: z.infer<typeof driftThresholdsInput>) {
  if (!basis) return;
  const minimum = minimumSamples(basis, input.alertPsi);
  const context = { bins: basis.bins, referenceSize: basis.referenceSize, quantile: NOISE_QUANTILE };
  if (minimum === null) {
    const lowest = lowestAlertPsi(basis);
    throw badRequest(
      `An alert threshold of ${input.alertPsi} is within sampling noise for any window: with ${basis.referenceSize} reference rows and ${basis.bins} bins, no-drift PSI reaches ${lowest.toPrecision(3)} even for an endless window. Raise the alert threshold above ${lowest.toPrecision(3)} or register a version with a larger reference sample.`,
      { code: "DRIFT_ALERT_BELOW_NOISE", lowestAlertPsi: lowest, ...context },
    );
  }
  if (input.minSamples < minimum) {
    throw badRequest(
      `Minimum rows must be at least ${minimum} for an alert threshold of ${input.alertPsi}: with fewer rows, sampling noise alone reaches that PSI (${basis.bins} bins, ${basis.referenceSize} reference rows, 99.9% no-drift quantile).`,
      { code: "DRIFT_MIN_SAMPLES_TOO_LOW", minimumSamples: minimum, ...context },
    );
  }
}

/**
 * Per-model PSI thresholds and minimum window size (0 < warn < alert by the input schema; the minimum window and the
 * alert threshold above sampling noise here). The check reads the model's reference profiles in the same
 * transaction, so a refused update writes nothing.
 */
export async function setDriftThresholds(
  ctx: ServiceContext,
  input: z.infer<typeof driftThresholdsInput>,
): Promise<ModelDriftThresholds> {
  return ctx.db.$transaction(async (tx) => {
    const model = await tx.registeredModel.findUnique({ where: { name: input.modelName } });
    if (!model) throw notFound(`Model "${input.modelName}"`);
    assertAboveNoise(await noiseBasisOf(tx, model.id), input);
    const data = { driftWarnPsi: input.warnPsi, driftAlertPsi: input.alertPsi, driftMinSamples: input.minSamples };
    const updated = await tx.registeredModel.update({ where: { id: model.id }, data });
    await recordAudit(tx, ctx.actor, {
      action: "model.drift-thresholds",
      entityType: "RegisteredModel",
      entityId: model.id,
      before: { warnPsi: model.driftWarnPsi, alertPsi: model.driftAlertPsi, minSamples: model.driftMinSamples },
      after: { warnPsi: input.warnPsi, alertPsi: input.alertPsi, minSamples: input.minSamples },
    });
    return {
      modelName: updated.name,
      warnPsi: updated.driftWarnPsi,
      alertPsi: updated.driftAlertPsi,
      minSamples: updated.driftMinSamples,
    };
  });
}
