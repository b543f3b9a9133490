import type {
  DescribeEndpointCommandOutput,
  EndpointStatus as SageMakerStatus,
  ProductionVariantSummary,
} from "@aws-sdk/client-sagemaker";
import type { EndpointState, EndpointStatus, VariantState } from "@/server/integrations/targets/deployment-target";

const STATUS: Record<SageMakerStatus, EndpointStatus> = {
  Creating: "creating",
  Updating: "updating",
  SystemUpdating: "updating",
  RollingBack: "updating",
  Deleting: "updating",
  InService: "healthy",
  Failed: "failed",
  // In service, but on a mix of the old and new configs until another UpdateEndpoint fixes it.
  UpdateRollbackFailed: "failed",
  OutOfService: "failed",
};

/** SageMaker is working on the endpoint: it refuses updates and weight changes until it leaves these. */
const IN_PROGRESS: ReadonlySet<SageMakerStatus> = new Set([
  "Creating",
  "Updating",
  "SystemUpdating",
  "RollingBack",
  "Deleting",
]);

export const absentState = (endpointName: string): EndpointState => ({ endpointName, status: "absent", variants: [] });

/**
 * SageMaker weights are relative; the interface speaks percentages of live traffic. A shadow variant
 * (DescribeEndpoint's ShadowProductionVariants) answers nobody, so it takes 0% whatever share it is mirrored.
 */
function variantStates(live: DescribeEndpointCommandOutput): VariantState[] {
  const variants = live.ProductionVariants ?? [];
  const total = variants.reduce((sum, variant) => sum + (variant.CurrentWeight ?? 0), 0);
  const state = (variant: ProductionVariantSummary, weight: number): VariantState => ({
    variantName: variant.VariantName ?? "",
    weight,
    // An asynchronous endpoint at zero instances is asleep, not down: a queued request starts one.
    ready:
      live.EndpointStatus === "InService" && ((variant.CurrentInstanceCount ?? 0) > 0 || !!live.AsyncInferenceConfig),
    replicas: variant.CurrentInstanceCount,
  });
  return [
    ...variants.map((variant) =>
      state(variant, total > 0 ? Math.round(((variant.CurrentWeight ?? 0) / total) * 10_000) / 100 : 0),
    ),
    ...(live.ShadowProductionVariants ?? []).map((variant) => ({ ...state(variant, 0), shadow: true })),
  ];
}

function statusMessage(live: DescribeEndpointCommandOutput): string | undefined {
  if (live.FailureReason) return live.FailureReason;
  if (live.EndpointStatus === "OutOfService") return "SageMaker reports the endpoint OutOfService";
  if (live.EndpointStatus === "UpdateRollbackFailed")
    return "SageMaker could neither finish the last update nor roll it back (UpdateRollbackFailed)";
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

export function isInProgress(live: DescribeEndpointCommandOutput): boolean {
  return live.EndpointStatus === undefined || IN_PROGRESS.has(live.EndpointStatus);
}

/** A retry of a create or update SageMaker is still carrying out towards `configName`. */
export function isInFlightTo(live: DescribeEndpointCommandOutput, configName: string): boolean {
  if (live.EndpointStatus === "Creating") return live.EndpointConfigName === configName;
  return isInProgress(live) && live.PendingDeploymentSummary?.EndpointConfigName === configName;
}

/** Serving `configName`, or on its way there. */
export function isServingOrHeadingFor(live: DescribeEndpointCommandOutput, configName: string): boolean {
  return (
    isInFlightTo(live, configName) || (live.EndpointStatus === "InService" && live.EndpointConfigName === configName)
  );
}

/** Sets failureReason, and makes it the message too since it says the most. */
export const withFailure = (state: EndpointState, failureReason: string): EndpointState => ({
  ...state,
  message: failureReason,
  failureReason,
});

/**
 * The outcome of an endpoint SageMaker is done with. A blue/green update SageMaker rolled back ends InService on the
 * OLD config with a FailureReason: the endpoint is healthy (it serves what it served before) and the release failed,
 * so the state is healthy with a failureReason. `expectedConfig` is the config Modelport last asked for; without it a
 * FailureReason alone marks a rollback. UpdateRollbackFailed is left to the target, which can recover it.
 */
export function settledOutcome(
  endpointName: string,
  live: DescribeEndpointCommandOutput,
  expectedConfig: string | undefined,
): EndpointState {
  const state = toEndpointState(endpointName, live);
  if (live.EndpointStatus !== "InService") return state.message ? withFailure(state, state.message) : state;
  const rolledBack =
    expectedConfig !== undefined ? live.EndpointConfigName !== expectedConfig : Boolean(live.FailureReason);
  if (!rolledBack) return { endpointName, status: "healthy", variants: state.variants };
  const reason = live.FailureReason ?? "SageMaker gave no reason";
  const serving =
    expectedConfig !== undefined ? ` It still serves ${live.EndpointConfigName} instead of ${expectedConfig}.` : "";
  return withFailure(state, `SageMaker rolled the update back: ${reason}.${serving}`);
}
