type ServingVariant = { variantName: string; weight: number; version: { version: number } };

/** "fraud-production-local still serves v6 (100%)." — what the endpoint serves after a release that did not land. */
export function servingSummary(endpointName: string, variants: readonly ServingVariant[]): string {
  const serving = variants.filter((v) => v.weight > 0);
  if (serving.length === 0) return `${endpointName} serves nothing.`;
  const list = serving.map((v) => `v${v.version.version} (${v.weight}%)`).join(", ");
  return `${endpointName} still serves ${list}.`;
}
