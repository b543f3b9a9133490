/** Labels every object Modelport creates carries; pruning and deletion select by them, never by name alone. */
export const LABEL = {
  name: "app.kubernetes.io/name",
  managedBy: "app.kubernetes.io/managed-by",
  endpoint: "modelport.dev/endpoint",
  variant: "modelport.dev/variant",
} as const;

export const MANAGED_BY = "modelport";
export const FIELD_MANAGER = "modelport";

export type RuntimeFlavour = "onnx-runtime" | "vllm";

export function endpointLabels(endpointName: string): Record<string, string> {
  return { [LABEL.managedBy]: MANAGED_BY, [LABEL.endpoint]: endpointName };
}

export function variantLabels(
  endpointName: string,
  variantName: string,
  flavour: RuntimeFlavour,
): Record<string, string> {
  return { ...endpointLabels(endpointName), [LABEL.name]: flavour, [LABEL.variant]: variantName };
}

/** The Deployment selector and Service selector: immutable once created, so it names only stable labels. */
export function variantSelector(endpointName: string, variantName: string): Record<string, string> {
  return { [LABEL.endpoint]: endpointName, [LABEL.variant]: variantName };
}

export function endpointLabelSelector(endpointName: string): string {
  return Object.entries(endpointLabels(endpointName))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}
