const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export const formatPsi = (psi: number) =>
  psi >= 10 ? psi.toFixed(1) : psi >= 0.01 ? psi.toFixed(3) : psi.toPrecision(2);
export const formatRows = (rows: number) => integer.format(rows);
export const formatShare = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 2 : 1)}%`;

/** "1h", "30m", "90s": the window length a report covered. */
export function formatWindow(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export const driftEndpointHref = (endpointId: string, variantName?: string) =>
  `/dashboards/drift/${encodeURIComponent(endpointId)}${variantName ? `?variant=${encodeURIComponent(variantName)}` : ""}`;

export const driftFeatureHref = (endpointId: string, feature: string, variantName?: string) =>
  `/dashboards/drift/${encodeURIComponent(endpointId)}/${encodeURIComponent(feature)}${variantName ? `?variant=${encodeURIComponent(variantName)}` : ""}`;
