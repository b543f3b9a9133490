import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { SageMakerApi } from "@/server/integrations/sagemaker/api";
import type { ComponentScaling, ComponentScalingApi } from "@/server/integrations/sagemaker/component-scaling";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { pollUntilSettled } from "@/server/integrations/sagemaker/endpoint-polling";
import { ensureModel } from "@/server/integrations/sagemaker/ensure-model";
import { isAlreadyExists, PermanentTargetError } from "@/server/integrations/sagemaker/errors";
import {
  componentEndpointConfig,
  componentResourceName,
  reconcileComponents,
  type ComponentEndpointSpec,
  type ComponentState,
  type InferenceComponentsApi,
} from "@/server/integrations/sagemaker/inference-components";
import type { ModelArtifacts } from "@/server/integrations/sagemaker/model-artifacts";
import { createModelInput, modelDataPlan } from "@/server/integrations/sagemaker/model-definition";
import { sleep } from "@/server/integrations/sagemaker/timing";

/** One version hosted on a component endpoint: the variant it would be, its copies and what each copy reserves. */
export type HostedVersion = { variant: VariantSpec; copies: number; cpuCores: number; memoryMb: number };

/** Many versions on one endpoint's managed fleet; `scaleToZero` gives every component its copy scaling (minimum 0). */
export type ComponentEndpointRequest = Omit<ComponentEndpointSpec, "components"> & {
  versions: HostedVersion[];
  scaleToZero: ComponentScaling | null;
};

type Clients = {
  api: SageMakerApi;
  components: InferenceComponentsApi;
  scaling: ComponentScalingApi;
  artifacts: ModelArtifacts;
  config: SageMakerConfig;
};

/** The components a request asks for, each named after the model it serves (same model → same component). */
export function componentSpec(request: ComponentEndpointRequest, config: SageMakerConfig): ComponentEndpointSpec {
  const names = new Set<string>();
  const components = request.versions.map(({ variant, copies, cpuCores, memoryMb }) => {
    const modelName = createModelInput(request.endpointName, variant, config).ModelName;
    const name = componentResourceName(request.endpointName, modelName);
    if (names.has(name))
      throw new PermanentTargetError(`${variant.modelName} v${variant.version} is asked for twice on one endpoint`);
    names.add(name);
    return { name, modelName, copies, cpuCores, memoryMb };
  });
  return { ...request, components };
}

/**
 * Serves several versions on one SageMaker endpoint as inference components (SageMaker's "many models per endpoint"):
 * the artifacts are put on S3 and the models created, the endpoint created with its managed fleet if absent (an
 * existing one keeps its fleet: changing the fleet is a new endpoint), then the components are brought to the request
 * pass by pass until settled — new ones running before old ones go — and each gets its copy scaling or none. A
 * component SageMaker fails is a permanent failure naming SageMaker's reason.
 */
export async function applyComponentEndpoint(
  clients: Clients,
  request: ComponentEndpointRequest,
  timing: { timeoutMs: number; pollMs: number; signal?: AbortSignal },
): Promise<ComponentState[]> {
  const { api, components, scaling, artifacts, config } = clients;
  const spec = componentSpec(request, config);
  for (const { variant } of request.versions) {
    const upload = modelDataPlan(variant, config).upload;
    if (upload) await artifacts.ensureUploaded(upload);
    await ensureModel(api, createModelInput(request.endpointName, variant, config));
  }
  const endpointConfig = componentEndpointConfig(request, config.executionRoleArn);
  await api.createEndpointConfig(endpointConfig).catch((error: unknown) => {
    if (!isAlreadyExists(error)) throw error;
  });
  const deadline = Date.now() + timing.timeoutMs;
  const existing = await api.describeEndpoint(request.endpointName);
  if (!existing)
    await api.createEndpoint({
      EndpointName: request.endpointName,
      EndpointConfigName: endpointConfig.EndpointConfigName,
    });
  const live = await pollUntilSettled(api, request.endpointName, {
    deadline,
    pollMs: timing.pollMs,
    signal: timing.signal,
  });
  if (live?.EndpointStatus !== "InService")
    throw new PermanentTargetError(
      `Endpoint ${request.endpointName} is ${live?.EndpointStatus ?? "absent"}${live?.FailureReason ? `: ${live.FailureReason}` : ""}`,
    );
  for (;;) {
    const outcome = await reconcileComponents(components, spec);
    if (outcome.failed.length > 0)
      throw new PermanentTargetError(
        outcome.failed
          .map((c) => `Inference component ${c.name} failed: ${c.failureReason ?? "no reason given"}`)
          .join("; "),
      );
    if (outcome.settled) break;
    if (Date.now() > deadline)
      throw new Error(`The inference components of ${request.endpointName} did not settle in ${timing.timeoutMs} ms`);
    await sleep(timing.pollMs, timing.signal);
  }
  for (const component of spec.components)
    if (request.scaleToZero) await scaling.apply(component.name, request.scaleToZero);
    else await scaling.remove(component.name);
  const states = await Promise.all(spec.components.map((component) => components.describe(component.name)));
  return states.filter((state): state is ComponentState => state !== undefined);
}
