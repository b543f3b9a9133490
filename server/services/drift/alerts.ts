import type { DriftReport, Prisma } from "@/server/db/generated/client";

type Worst = { name: string; psi: number; sampleSize: number; expectedPsi: number } | undefined;

export const driftAlertKey = (endpointId: string, variantName: string) => `drift:${endpointId}:${variantName}`;

/**
 * Keeps one DRIFT alert per endpoint variant: an ALERT report opens it (or updates the open one); an OK report
 * resolves it. WARN and INSUFFICIENT_DATA leave it as it is, so an alert only clears once the variant is back under
 * the warn threshold with enough rows to say so.
 */
export async function syncDriftAlert(
  tx: Prisma.TransactionClient,
  input: { report: DriftReport; endpointName: string; modelName: string; worst: Worst },
) {
  const { report, worst } = input;
  const dedupeKey = driftAlertKey(report.endpointId, report.variantName);
  if (report.status === "ALERT" && worst) {
    const fields = {
      severity: "CRITICAL" as const,
      title: `Drift on ${input.endpointName} (${report.variantName}): ${worst.name}`,
      message:
        `PSI ${worst.psi.toFixed(3)} on ${worst.name} over n = ${worst.sampleSize} rows ` +
        `(no-drift expectation ${worst.expectedPsi.toFixed(4)}) for ${input.modelName}.`,
      endpointId: report.endpointId,
      details: {
        reportId: report.id,
        feature: worst.name,
        psi: worst.psi,
        sampleSize: worst.sampleSize,
        expectedPsi: worst.expectedPsi,
      },
      resolvedAt: null,
    };
    await tx.alert.upsert({ where: { dedupeKey }, create: { kind: "DRIFT", dedupeKey, ...fields }, update: fields });
    return;
  }
  if (report.status === "OK") {
    await tx.alert.updateMany({ where: { dedupeKey, resolvedAt: null }, data: { resolvedAt: new Date() } });
  }
}
