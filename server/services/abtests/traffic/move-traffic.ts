import type { DeploymentTarget, EndpointSpec, EndpointState } from "@/server/integrations/targets/deployment-target";
import { DeploymentFailure } from "@/server/services/deployments/deployment-steps";
import { waitHealthy } from "@/server/services/deployments/wait-healthy";
import type { Fence } from "@/server/db/row-lease";
import {
  championOnlyWeights,
  liveWeights,
  servesVariantSet,
  servesWeights,
  type DesiredTraffic,
} from "@/server/services/abtests/traffic/desired-traffic";

export type TrafficMove = {
  target: DeploymentTarget;
  endpointName: string;
  desired: DesiredTraffic;
  /** The full spec of the desired variants, every live challenger at weight 0 (the champion answers while it settles). */
  spec: EndpointSpec;
  fence: Fence;
  signal: AbortSignal;
};

/**
 * Makes the target serve the desired traffic, from whatever it serves now (so a retried or resumed move repeats
 * nothing done): traffic first goes back to the champion when the variant set must change, the new set is applied
 * with the champion answering everything until it settles, then the weights are set. Every call is fenced, so a worker
 * that lost the test's lease stops before touching the target again.
 */
export async function moveTraffic(move: TrafficMove): Promise<EndpointState> {
  const { target, endpointName, desired, fence } = move;
  await fence();
  let state = await target.describe(endpointName);
  if (state.status === "absent")
    throw new DeploymentFailure(
      `The ${target.kind} target has no endpoint "${endpointName}": deploy the champion first`,
    );
  if (!servesVariantSet(state, desired)) {
    const champion = desired.variants.find((variant) => variant.champion)!.variantName;
    const back = championOnlyWeights(state, champion);
    if (back && state.status === "healthy") {
      await fence();
      state = await target.setWeights(endpointName, back);
    }
    await fence();
    await target.apply(move.spec);
    await fence();
    state = await waitHealthy(target, endpointName, move.signal);
    if (!servesVariantSet(state, desired))
      throw new DeploymentFailure(
        `The ${target.kind} target serves ${describeVariants(state)} after the update, not ${desired.variants.map((v) => v.variantName).join(", ")}`,
      );
  }
  if (!servesWeights(state, desired)) {
    await fence();
    state = await target.setWeights(endpointName, liveWeights(desired.variants));
  }
  return state;
}

const describeVariants = (state: EndpointState) =>
  state.variants
    .map((v) => `${v.variantName}${v.shadow ? " (shadow)" : ""}${v.ready ? "" : " (not ready)"}`)
    .join(", ") || "nothing";
