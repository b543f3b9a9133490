import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { SageMakerApi } from "@/server/integrations/sagemaker/api";
import type { ComponentScaling, ComponentScalingApi } from "@/server/integrations/sagemaker/component-scaling";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { pollUntilSettled } from "@/server/integrations/sagemaker/endpoint-polling";
import { ensureModel } from "@/server/integrations/sagemaker/ensure-model";
import { ignoreWhen, isAlreadyExists, PermanentTargetError } from "@/server/integrations/sagemaker/errors";
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

export type ComponentClients = {
  api: SageMakerApi;
  components: InferenceComponentsApi;
  scaling: ComponentScalingApi;
  artifacts: ModelArtifacts;
  config: SageMakerConfig;
};

/** The components a request asks for, each named after the model it serves and what a copy reserves. */
export function componentSpec(request: ComponentEndpointRequest, config: SageMakerConfig): ComponentEndpointSpec {
  if (request.maxInstances < 1 || request.minInstances < 0 || request.minInstances > request.maxInstances)
    throw new PermanentTargetError(
      `Instances must satisfy 0 ≤ minimum (${request.minInstances}) ≤ maximum (${request.maxInstances}), maximum ≥ 1`,
    );
  const names = new Set<string>();
  const components = request.versions.map(({ variant, copies, cpuCores, memoryMb }) => {
    const modelName = createModelInput(request.endpointName, variant, config).ModelName;
    const name = componentResourceName(request.endpointName, `${modelName}:${cpuCores}:${memoryMb}`);
    if (names.has(name))
      throw new PermanentTargetError(`${variant.modelName} v${variant.version} is asked for twice on one endpoint`);
    names.add(name);
    return { name, modelName, copies, cpuCores, memoryMb };
  });
  return { ...request, components };
}

/** The artifacts on S3 and the models created (each reused when an earlier try made it). */
async function ensureModels({ api, artifacts, config }: ComponentClients, request: ComponentEndpointRequest) {
  for (const { variant } of request.versions) {
    const upload = modelDataPlan(variant, config).upload;
    if (upload) await artifacts.ensureUploaded(upload);
    await ensureModel(api, createModelInput(request.endpointName, variant, config));
  }
}

/**
 * The endpoint with its managed fleet, InService: created when absent; an existing one must already run this fleet
 * (changing a fleet's instance type or bounds is not built: it is refused, never silently ignored).
 */
async function ensureFleet(
  { api, config }: ComponentClients,
  request: ComponentEndpointRequest,
  timing: ComponentTiming,
) {
  const endpointConfig = componentEndpointConfig(request, config.executionRoleArn);
  const existing = await api.describeEndpoint(request.endpointName);
  if (existing && existing.EndpointConfigName !== endpointConfig.EndpointConfigName)
    throw new PermanentTargetError(
      `Endpoint ${request.endpointName} runs another fleet (${existing.EndpointConfigName ?? "no config"}); changing its instance type or bounds is not supported — use a new endpoint`,
    );
  if (!existing) {
    await api.createEndpointConfig(endpointConfig).catch(ignoreWhen(isAlreadyExists));
    await api
      .createEndpoint({ EndpointName: request.endpointName, EndpointConfigName: endpointConfig.EndpointConfigName })
      .catch(ignoreWhen(isAlreadyExists));
  }
  const deadline = Date.now() + timing.timeoutMs;
  const live = await pollUntilSettled(api, request.endpointName, { deadline, ...timing });
  if (live?.EndpointStatus !== "InService")
    throw new PermanentTargetError(
      `Endpoint ${request.endpointName} is ${live?.EndpointStatus ?? "absent"}${live?.FailureReason ? `: ${live.FailureReason}` : ""}`,
    );
}

/** Reconcile passes until settled; a component that failed again, or the deadline, ends the apply saying which. */
async function settleComponents(
  clients: ComponentClients,
  spec: ComponentEndpointSpec,
  scaled: boolean,
  timing: ComponentTiming,
) {
  const deadline = Date.now() + timing.timeoutMs;
  const options = {
    copiesFollowScaling: scaled,
    recreated: new Set<string>(),
    beforeDelete: (name: string) => clients.scaling.remove(name),
  };
  for (;;) {
    const outcome = await reconcileComponents(clients.components, spec, options);
    if (outcome.failed.length > 0)
      throw new PermanentTargetError(
        outcome.failed
          .map((c) => `Inference component ${c.name} failed again: ${c.failureReason ?? "no reason given"}`)
          .join("; "),
      );
    if (outcome.settled) return;
    if (Date.now() > deadline)
      throw new Error(
        `The inference components of ${spec.endpointName} did not settle in ${timing.timeoutMs} ms (waiting for ${outcome.waiting.join(", ") || "the last changes"})`,
      );
    await sleep(timing.pollMs, timing.signal);
  }
}

export type ComponentTiming = { timeoutMs: number; pollMs: number; signal?: AbortSignal };

/**
 * Serves several versions on one SageMaker endpoint as inference components (SageMaker's "many models per endpoint"):
 * models first, then the endpoint's managed fleet, then the components pass by pass until settled — new ones running
 * before old ones go, each dropped one's scaling removed first — and each wanted one gets its copy scaling or none.
 */
export async function applyComponentEndpoint(
  clients: ComponentClients,
  request: ComponentEndpointRequest,
  timing: ComponentTiming,
): Promise<ComponentState[]> {
  const spec = componentSpec(request, clients.config);
  await ensureModels(clients, request);
  await ensureFleet(clients, request, timing);
  await settleComponents(clients, spec, request.scaleToZero !== null, timing);
  for (const component of spec.components)
    if (request.scaleToZero) await clients.scaling.apply(component.name, request.scaleToZero);
    else await clients.scaling.remove(component.name);
  const states = await Promise.all(spec.components.map((component) => clients.components.describe(component.name)));
  return states.filter((state): state is ComponentState => state !== undefined);
}
