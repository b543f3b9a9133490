import type { DeploymentTarget, EndpointState } from "@/server/integrations/targets/deployment-target";
import { DeploymentFailure } from "@/server/services/deployments/deployment-steps";

/**
 * Waits until the target's endpoint settles after an update and answers its state; a target that rolled the update
 * back, or an endpoint that settled anywhere but healthy, is a DeploymentFailure (rolled back, not retried).
 */
export async function waitHealthy(
  target: DeploymentTarget,
  endpointName: string,
  signal: AbortSignal,
): Promise<EndpointState> {
  const state = await target.waitUntilSettled(endpointName, { timeoutMs: target.settleTimeoutMs, signal });
  if (state.failureReason)
    throw new DeploymentFailure(`The ${target.kind} target rolled the update back: ${state.failureReason}`);
  if (state.status !== "healthy")
    throw new DeploymentFailure(
      `The endpoint did not become healthy: ${state.status}${state.message ? ` (${state.message})` : ""}`,
    );
  return state;
}
