import { type driftThresholdsInput } from "@/contracts/drift";
import type { z } from "zod";
import { notFound } from "@/server/errors";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
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

/** Per-model PSI thresholds and minimum window size (validated 0 < warn < alert by the input schema). */
export async function setDriftThresholds(
  ctx: ServiceContext,
  input: z.infer<typeof driftThresholdsInput>,
): Promise<ModelDriftThresholds> {
  return ctx.db.$transaction(async (tx) => {
    const model = await tx.registeredModel.findUnique({ where: { name: input.modelName } });
    if (!model) throw notFound(`Model "${input.modelName}"`);
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
