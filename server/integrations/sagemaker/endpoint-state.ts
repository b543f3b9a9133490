import type { DescribeEndpointCommandOutput, EndpointStatus as SageMakerStatus } from "@aws-sdk/client-sagemaker";
import type { EndpointState, EndpointStatus, VariantState } from "@/server/integrations/targets/deployment-target";

const STATUS: Record<SageMakerStatus, EndpointStatus> = {
  Creating: "creating",
  Updating: "updating",
  SystemUpdating: "updating",
  RollingBack: "updating",
  Deleting: "updating",
  InService: "healthy",
  Failed: "failed",
  UpdateRollbackFailed: "failed",
  OutOfService: "failed",
};

/** SageMaker statuses after which nothing more happens without a new request. */
const TERMINAL: ReadonlySet<SageMakerStatus> = new Set(["InService", "Failed", "UpdateRollbackFailed", "OutOfService"]);

export const absentState = (endpointName: string): EndpointState => ({ endpointName, status: "absent", variants: [] });

/** SageMaker weights are relative; the interface speaks percentages. */
function variantStates(live: DescribeEndpointCommandOutput): VariantState[] {
  const variants = live.ProductionVariants ?? [];
  const total = variants.reduce((sum, variant) => sum + (variant.CurrentWeight ?? 0), 0);
  return variants.map((variant) => ({
    variantName: variant.VariantName ?? "",
    weight: total > 0 ? Math.round(((variant.CurrentWeight ?? 0) / total) * 10_000) / 100 : 0,
    ready: live.EndpointStatus === "InService" && (variant.CurrentInstanceCount ?? 0) > 0,
    replicas: variant.CurrentInstanceCount,
  }));
}

function statusMessage(live: DescribeEndpointCommandOutput): string | undefined {
  if (live.FailureReason) return live.FailureReason;
  if (live.EndpointStatus === "OutOfService") return "SageMaker reports the endpoint OutOfService";
  if (live.EndpointStatus === "Deleting") return "SageMaker is deleting the endpoint";
  return undefined;
}

export function toEndpointState(endpointName: string, live: DescribeEndpointCommandOutput | undefined): EndpointState {
  if (!live) return absentState(endpointName);
  const message = statusMessage(live);
  return {
    endpointName,
    status: live.EndpointStatus ? STATUS[live.EndpointStatus] : "updating",
    ...(message !== undefined && { message }),
    variants: variantStates(live),
  };
}

export function isTerminal(live: DescribeEndpointCommandOutput): boolean {
  return live.EndpointStatus !== undefined && TERMINAL.has(live.EndpointStatus);
}

/**
 * The outcome of a settled endpoint. A blue/green update that SageMaker rolled back ends InService on the OLD config
 * with a FailureReason: that is a failed deployment, not a healthy one. `expectedConfig` is the config Modelport last
 * asked for; without it a FailureReason alone marks the outcome as failed.
 */
export function settledOutcome(
  endpointName: string,
  live: DescribeEndpointCommandOutput,
  expectedConfig: string | undefined,
): EndpointState {
  const state = toEndpointState(endpointName, live);
  if (live.EndpointStatus !== "InService") return state;
  const rolledBack =
    expectedConfig !== undefined ? live.EndpointConfigName !== expectedConfig : Boolean(live.FailureReason);
  if (!rolledBack) return { endpointName, status: "healthy", variants: state.variants };
  const reason = live.FailureReason ?? "SageMaker gave no reason";
  const serving =
    expectedConfig !== undefined ? ` It still serves ${live.EndpointConfigName} instead of ${expectedConfig}.` : "";
  return { ...state, status: "failed", message: `The update was rolled back: ${reason}.${serving}` };
}
