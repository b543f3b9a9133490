import { endpointObjectName, kubernetesName } from "@/server/integrations/kubernetes/object-names";

/** Labels every object Modelport creates carries; pruning and deletion select by them, never by name alone. */
export const LABEL = {
  name: "app.kubernetes.io/name",
  managedBy: "app.kubernetes.io/managed-by",
  endpoint: "modelport.dev/endpoint",
  variant: "modelport.dev/variant",
} as const;

/** Label values are at most 63 characters, so the exact names ride along in annotations under the same keys. */
export const ANNOTATION = {
  endpoint: "modelport.dev/endpoint",
  variant: "modelport.dev/variant",
  /** On the HTTPRoute: backend Service name → variant name, since Service names are derived and not reversible. */
  backends: "modelport.dev/backends",
  /** On a Deployment: the instance type (profile) its pods are priced as, read back with the ready replicas for cost. */
  instanceType: "modelport.dev/instance-type",
} as const;

export const MANAGED_BY = "modelport";
export const FIELD_MANAGER = "modelport";

export type RuntimeFlavour = "onnx-runtime" | "vllm";

export function endpointLabels(endpointName: string): Record<string, string> {
  return { [LABEL.managedBy]: MANAGED_BY, [LABEL.endpoint]: endpointObjectName(endpointName) };
}

export function variantLabels(
  endpointName: string,
  variantName: string,
  flavour: RuntimeFlavour,
): Record<string, string> {
  return { ...endpointLabels(endpointName), [LABEL.name]: flavour, [LABEL.variant]: kubernetesName(variantName) };
}

export function variantAnnotations(endpointName: string, variantName: string): Record<string, string> {
  return { [ANNOTATION.endpoint]: endpointName, [ANNOTATION.variant]: variantName };
}

/** The Deployment selector and Service selector: immutable once created, so it names only stable labels. */
export function variantSelector(endpointName: string, variantName: string): Record<string, string> {
  return { [LABEL.endpoint]: endpointObjectName(endpointName), [LABEL.variant]: kubernetesName(variantName) };
}

export function endpointLabelSelector(endpointName: string): string {
  return Object.entries(endpointLabels(endpointName))
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}
