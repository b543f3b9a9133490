import type { DescribeEndpointCommandOutput } from "@aws-sdk/client-sagemaker";
import type { ComponentHosting } from "@/contracts/component-hosting";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import type { SageMakerApi } from "@/server/integrations/sagemaker/api";
import {
  applyComponentEndpoint,
  type ComponentClients,
  type ComponentTiming,
} from "@/server/integrations/sagemaker/component-endpoint";
import { isNotFound, PermanentTargetError } from "@/server/integrations/sagemaker/errors";
import { componentNamePrefix, type InferenceComponentsApi } from "@/server/integrations/sagemaker/inference-components";
import { sleep } from "@/server/integrations/sagemaker/timing";

/**
 * Whether a live endpoint hosts inference components: its config's variants name no model. Undefined when its config
 * is gone (deleted behind our back), so nothing can be told from it.
 */
export async function hostsComponents(
  api: SageMakerApi,
  live: DescribeEndpointCommandOutput,
): Promise<boolean | undefined> {
  if (!live.EndpointConfigName) return undefined;
  const config = await api.describeEndpointConfig(live.EndpointConfigName).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (!config) return undefined;
  const variants = config.ProductionVariants ?? [];
  return variants.length > 0 && variants.every((variant) => !variant.ModelName);
}

/** SageMaker cannot move a serving endpoint between dedicated instances and components without a gap in service. */
export function refuseHostingSwitch(endpointName: string, hostsNow: boolean): never {
  throw new PermanentTargetError(
    hostsNow
      ? `Endpoint ${endpointName} hosts inference components; SageMaker serves it on dedicated instances only as a new endpoint, which the portal does not make in place of one that serves`
      : `Endpoint ${endpointName} serves on dedicated instances; SageMaker hosts inference components only on a new endpoint, which the portal does not make in place of one that serves`,
    "CONFLICT",
  );
}

/**
 * The spec's live versions (shadows and 0% variants have no place: a component answers only the requests naming it)
 * as components on the hosting's fleet, each copy reserving the hosting's compute, with its copy scaling when the
 * endpoint scales to zero. Returns once every one runs and the components of versions no longer wanted are gone.
 */
export async function applyHostedVersions(
  clients: ComponentClients,
  spec: EndpointSpec,
  hosting: ComponentHosting,
  timing: ComponentTiming,
): Promise<void> {
  const versions = spec.variants
    .filter((variant) => !variant.shadow && variant.weight > 0)
    .map((variant) => ({ variant, copies: 1, cpuCores: hosting.cpuCores, memoryMb: hosting.memoryMb }));
  if (versions.length === 0)
    throw new PermanentTargetError(`Endpoint ${spec.endpointName} would host no version: every variant is at 0%`);
  await applyComponentEndpoint(
    clients,
    {
      endpointName: spec.endpointName,
      instanceType: hosting.instanceType,
      minInstances: hosting.minInstances,
      maxInstances: hosting.maxInstances,
      versions,
      scaleToZero: hosting.scaleToZero,
    },
    timing,
  );
}

/**
 * Deletes the endpoint's components (ours: named after it), each one's copy scaling and wake alarm first, and waits
 * until SageMaker lists none: an endpoint is deleted only once nothing is hosted on it.
 */
export async function deleteHostedVersions(
  clients: Pick<ComponentClients, "components" | "scaling">,
  endpointName: string,
  timing: ComponentTiming,
): Promise<void> {
  const prefix = componentNamePrefix(endpointName);
  const deadline = Date.now() + timing.timeoutMs;
  for (;;) {
    const listed = await clients.components.list(endpointName);
    const ours = listed.filter((component) => component.name.startsWith(prefix));
    const others = listed.filter((component) => !component.name.startsWith(prefix));
    if (ours.length === 0 && others.length > 0)
      throw new PermanentTargetError(
        `Endpoint ${endpointName} also hosts components the portal did not create (${others.map((c) => c.name).join(", ")}); SageMaker deletes an endpoint only once they are gone`,
        "CONFLICT",
      );
    if (ours.length === 0) return;
    for (const { name, status } of ours) {
      if (status === "Deleting" || status === "Creating" || status === "Updating") continue;
      await clients.scaling.remove(name);
      await clients.components.delete(name);
    }
    if (Date.now() > deadline)
      throw new Error(
        `The inference components of ${endpointName} were not all deleted in ${timing.timeoutMs} ms (${listed.map((c) => `${c.name} ${c.status}`).join(", ")})`,
      );
    await sleep(timing.pollMs, timing.signal);
  }
}

/**
 * The component of ours that serves `version` on the endpoint, found from what SageMaker holds: each component's model
 * carries the version in its container environment (MODELPORT_MODEL_VERSION). Undefined when none serves it.
 */
export async function componentServing(
  api: SageMakerApi,
  components: InferenceComponentsApi,
  endpointName: string,
  version: number,
): Promise<string | undefined> {
  const prefix = componentNamePrefix(endpointName);
  for (const { name, status } of await components.list(endpointName)) {
    // Updating: its copies change (a wake, a scale-out) while it keeps serving.
    if (!name.startsWith(prefix) || (status !== "InService" && status !== "Updating")) continue;
    const modelName = (await components.describe(name))?.modelName;
    if (!modelName) continue;
    const model = await api.describeModel(modelName);
    if (model.PrimaryContainer?.Environment?.MODELPORT_MODEL_VERSION === String(version)) return name;
  }
  return undefined;
}
