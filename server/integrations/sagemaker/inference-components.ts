import {
  CreateInferenceComponentCommand,
  DeleteInferenceComponentCommand,
  DescribeInferenceComponentCommand,
  ListInferenceComponentsCommand,
  UpdateInferenceComponentRuntimeConfigCommand,
  type CreateEndpointConfigCommandInput,
  type DescribeInferenceComponentCommandOutput,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { createHash } from "node:crypto";
import { isAlreadyExists, isNotFound } from "@/server/integrations/sagemaker/errors";
import { instanceTypeSchema } from "@/server/integrations/sagemaker/config";
import {
  contentHash,
  endpointConfigResourceName,
  resourcePrefix,
  TAG_ENDPOINT,
} from "@/server/integrations/sagemaker/names";
import { callWithRetry, type RetryPolicy } from "@/server/integrations/sagemaker/retry";

/** The one variant of an endpoint that hosts inference components (the components carry the models). */
export const COMPONENT_VARIANT = "primary";
/** On a component: the Modelport endpoint it belongs to (for people reading the account; deletes go by name). */
export const TAG_COMPONENT_OF = "modelport:component-of";

/** One model hosted as an inference component: its SageMaker model, its copies and what each copy reserves. */
export type ComponentSpec = {
  name: string;
  modelName: string;
  /** 0 = asleep: no copy runs, the endpoint may release its instances once every component is at 0. */
  copies: number;
  cpuCores: number;
  memoryMb: number;
};

/** An endpoint hosting models as inference components on a fleet SageMaker manages between the instance bounds. */
export type ComponentEndpointSpec = {
  endpointName: string;
  instanceType: string;
  /** 0 lets SageMaker release every instance while all components are at 0 copies (scale to zero). */
  minInstances: number;
  maxInstances: number;
  components: ComponentSpec[];
};

export type ComponentState = {
  name: string;
  status: string;
  modelName: string | undefined;
  desiredCopies: number;
  currentCopies: number;
  failureReason: string | undefined;
};

/**
 * A component's name (at most 63 letters, digits and dashes, alphanumeric at both ends) from its endpoint and what it
 * serves — model and reserved compute — so a retried apply finds the component an earlier try created, and a change of
 * either is a new component that runs before the old one goes.
 */
export function componentResourceName(endpointName: string, servedKey: string): string {
  const digest = createHash("sha256").update(`${endpointName}\n${servedKey}`).digest("hex").slice(0, 12);
  return `${componentNamePrefix(endpointName)}${digest}`;
}

/** How the names of an endpoint's components of ours begin (any other component on it is someone else's). */
export const componentNamePrefix = (endpointName: string) => `${resourcePrefix(endpointName)}-ic-`;

/**
 * The endpoint config of an endpoint that hosts components: its variant names no model (SageMaker refuses components
 * on a variant that has one), the execution role sits on the config, instances are managed between the bounds (a
 * minimum of 0 is what lets the endpoint scale to zero) and requests go to the copy with the fewest outstanding.
 * SageMaker starts at least one instance, whatever the minimum.
 */
export function componentEndpointConfig(
  spec: Omit<ComponentEndpointSpec, "components">,
  executionRoleArn: string,
): CreateEndpointConfigCommandInput & { EndpointConfigName: string } {
  const body = {
    ExecutionRoleArn: executionRoleArn,
    ProductionVariants: [
      {
        VariantName: COMPONENT_VARIANT,
        InstanceType: instanceTypeSchema.parse(spec.instanceType),
        InitialInstanceCount: Math.max(1, spec.minInstances),
        ManagedInstanceScaling: {
          Status: "ENABLED" as const,
          MinInstanceCount: spec.minInstances,
          MaxInstanceCount: spec.maxInstances,
        },
        RoutingConfig: { RoutingStrategy: "LEAST_OUTSTANDING_REQUESTS" as const },
      },
    ],
  };
  return {
    EndpointConfigName: endpointConfigResourceName(spec.endpointName, contentHash(body)),
    ...body,
    Tags: [{ Key: TAG_ENDPOINT, Value: spec.endpointName }],
  };
}

function stateOf(described: DescribeInferenceComponentCommandOutput): ComponentState {
  return {
    name: described.InferenceComponentName ?? "",
    status: described.InferenceComponentStatus ?? "Unknown",
    modelName: described.Specification?.ModelName,
    desiredCopies: described.RuntimeConfig?.DesiredCopyCount ?? 0,
    currentCopies: described.RuntimeConfig?.CurrentCopyCount ?? 0,
    failureReason: described.FailureReason,
  };
}

/** The inference-component calls, each retried on throttling and transient failures and named in its errors. */
export class InferenceComponentsApi {
  constructor(
    private readonly client: SageMakerClient,
    private readonly retry: RetryPolicy,
  ) {}

  private call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return callWithRetry(operation, this.retry, send);
  }

  /** The endpoint's components (every page), with their status. */
  async list(endpointName: string): Promise<{ name: string; status: string }[]> {
    const listed: { name: string; status: string }[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call("ListInferenceComponents", () =>
        this.client.send(new ListInferenceComponentsCommand({ EndpointNameEquals: endpointName, NextToken })),
      );
      for (const component of page.InferenceComponents ?? [])
        listed.push({
          name: component.InferenceComponentName ?? "",
          status: component.InferenceComponentStatus ?? "Unknown",
        });
      NextToken = page.NextToken;
    } while (NextToken);
    return listed;
  }

  /** Undefined when no component has that name. */
  async describe(InferenceComponentName: string): Promise<ComponentState | undefined> {
    try {
      const described = await this.call("DescribeInferenceComponent", () =>
        this.client.send(new DescribeInferenceComponentCommand({ InferenceComponentName })),
      );
      return stateOf(described);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * SageMaker refuses 0 copies at creation: a sleeping component starts with one and is then set to 0. Names are
   * derived from content, so "already existing" after a retried call whose first answer was lost is this very one.
   */
  async create(endpointName: string, component: ComponentSpec): Promise<void> {
    await this.call("CreateInferenceComponent", () =>
      this.client.send(
        new CreateInferenceComponentCommand({
          InferenceComponentName: component.name,
          EndpointName: endpointName,
          VariantName: COMPONENT_VARIANT,
          Specification: {
            ModelName: component.modelName,
            ComputeResourceRequirements: {
              NumberOfCpuCoresRequired: component.cpuCores,
              MinMemoryRequiredInMb: component.memoryMb,
            },
          },
          RuntimeConfig: { CopyCount: Math.max(1, component.copies) },
          Tags: [{ Key: TAG_COMPONENT_OF, Value: endpointName }],
        }),
      ),
    ).catch((error: unknown) => {
      if (!isAlreadyExists(error)) throw error;
    });
  }

  setCopies(InferenceComponentName: string, CopyCount: number) {
    return this.call("UpdateInferenceComponentRuntimeConfig", () =>
      this.client.send(
        new UpdateInferenceComponentRuntimeConfigCommand({
          InferenceComponentName,
          DesiredRuntimeConfig: { CopyCount },
        }),
      ),
    );
  }

  async delete(InferenceComponentName: string): Promise<void> {
    try {
      await this.call("DeleteInferenceComponent", () =>
        this.client.send(new DeleteInferenceComponentCommand({ InferenceComponentName })),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/** What one reconcile pass did, and whether the endpoint's components are where the spec wants them. */
export type ReconcileOutcome = {
  settled: boolean;
  actions: string[];
  failed: ComponentState[];
  /** Components the pass waits for (in progress), for a timeout that says what it waited on. */
  waiting: string[];
};

/** How a pass may act beyond the spec: who else sets copy counts, what goes with a deleted component. */
export type ReconcileOptions = {
  /** Application Auto Scaling sets the copy counts: a component's count is the spec's only when it is created. */
  copiesFollowScaling?: boolean;
  /** Failed components this apply already deleted to create again (once each: one that fails again is reported). */
  recreated?: Set<string>;
  /** Runs before a component of ours is deleted (its scaling and alarm go first). */
  beforeDelete?: (name: string) => Promise<void>;
};

const IN_PROGRESS = new Set(["Creating", "Updating", "Deleting"]);

type Pass = { actions: string[]; failed: ComponentState[]; waiting: string[] };

/** One wanted component's step: create it, wait for it, set its copies, or recreate it once after a failure. */
async function stepFor(
  api: InferenceComponentsApi,
  spec: ComponentEndpointSpec,
  component: ComponentSpec,
  listed: boolean,
  options: ReconcileOptions,
  pass: Pass,
): Promise<void> {
  const live = listed ? await api.describe(component.name) : undefined;
  if (!live) {
    await api.create(spec.endpointName, component);
    pass.actions.push(`create ${component.name}`);
  } else if (live.status === "Failed") {
    if (options.recreated?.has(component.name)) return void pass.failed.push(live);
    options.recreated?.add(component.name);
    await api.delete(component.name);
    pass.actions.push(`delete failed ${component.name}`);
  } else if (IN_PROGRESS.has(live.status)) {
    pass.waiting.push(`${component.name} (${live.status})`);
  } else if (!options.copiesFollowScaling && live.desiredCopies !== component.copies) {
    await api.setCopies(component.name, component.copies);
    pass.actions.push(`copies ${component.name}=${component.copies}`);
  }
}

/**
 * One pass bringing the endpoint's components to the spec, taking only the steps SageMaker accepts now. The endpoint's
 * components are listed first (what SageMaker answers for a name it does not know is not relied on): a wanted one
 * that is missing is created, one that failed is deleted to be created again (once per apply), an InService one whose
 * copy count differs is set (unless Application Auto Scaling owns the count), and only when every wanted one is
 * InService are the components of ours the spec dropped deleted — so a replaced version serves until its successor
 * runs. Components in progress are waited for: call again until `settled`.
 */
export async function reconcileComponents(
  api: InferenceComponentsApi,
  spec: ComponentEndpointSpec,
  options: ReconcileOptions = {},
): Promise<ReconcileOutcome> {
  const listed = await api.list(spec.endpointName);
  const names = new Set(listed.map((component) => component.name));
  const pass: Pass = { actions: [], failed: [], waiting: [] };
  for (const component of spec.components)
    await stepFor(api, spec, component, names.has(component.name), options, pass);
  if (pass.actions.length > 0 || pass.waiting.length > 0 || pass.failed.length > 0) return { settled: false, ...pass };
  const wanted = new Set(spec.components.map((component) => component.name));
  const prefix = componentNamePrefix(spec.endpointName);
  for (const { name, status } of listed) {
    if (wanted.has(name) || !name.startsWith(prefix)) continue;
    // One in progress (its deletion included) takes no delete now: the next pass sees it again.
    if (IN_PROGRESS.has(status)) {
      pass.waiting.push(`${name} (${status})`);
      continue;
    }
    await options.beforeDelete?.(name);
    await api.delete(name);
    pass.actions.push(`delete ${name}`);
  }
  return { settled: pass.actions.length === 0 && pass.waiting.length === 0, ...pass };
}
