export type ObjectKind = { apiVersion: string; kind: string };

export const DEPLOYMENT: ObjectKind = { apiVersion: "apps/v1", kind: "Deployment" };
export const SERVICE: ObjectKind = { apiVersion: "v1", kind: "Service" };
export const AUTOSCALER: ObjectKind = { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" };
export const HTTP_ROUTE: ObjectKind = { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute" };
/** Everything the target creates, in the order deletion should remove it: traffic first, then workloads. */
export const MANAGED_KINDS = [HTTP_ROUTE, AUTOSCALER, SERVICE, DEPLOYMENT];
