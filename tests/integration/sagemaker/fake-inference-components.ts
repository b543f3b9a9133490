import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { CloudWatchMetrics } from "@/tests/integration/sagemaker/fake-cloudwatch";
import { ApiError, answerRuntimeError, invalid } from "@/tests/integration/sagemaker/fake-aws-error";
import type { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { scoreCsvRequest } from "@/tests/integration/sagemaker/fake-transform-container";

type Body = Record<string, unknown>;
type Variant = { VariantName?: string; ModelName?: string; InstanceType?: string; InitialInstanceCount?: number };
type ManagedScaling = { Status?: string; MinInstanceCount?: number; MaxInstanceCount?: number };
/** What the stand-in SageMaker tells this one about an endpoint: its status and the config it serves. */
export type ComponentEndpointView = { status: string; config: Body };
type Component = {
  name: string;
  endpointName: string;
  variantName: string;
  modelName: string;
  memoryMb: number;
  desired: number;
  current: number;
  status: "Creating" | "Updating" | "InService" | "Deleting" | "Failed";
  failureReason?: string;
  readyAt: number;
  tags: unknown[];
};
type ScalableTarget = { min: number; max: number; policies: Map<string, Body & { PolicyARN: string }> };

const NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const INVOKE_PATH = /^\/endpoints\/([^/]+)\/invocations$/;
const RESOURCE = /^inference-component\/(.+)$/;
const COMPONENT_HEADER = "x-amzn-sagemaker-inference-component";
/** The stand-in's memory per instance type (AWS's instance pages), for its own capacity rule. */
const MEMORY_MB: Record<string, number> = {
  "ml.c5.large": 4096,
  "ml.c5.xlarge": 8192,
  "ml.m5.large": 8192,
  "ml.m5.xlarge": 16384,
  "ml.g5.xlarge": 16384,
};
const NO_CAPACITY =
  "Inference Component has no capacity to process this request. ApplicationAutoScaling may be in-progress (if configured) or try to increase the capacity by invoking UpdateInferenceComponentRuntimeConfig API.";
const HEADER_REQUIRED =
  "Inference Component Name header is required for endpoints to which you plan to deploy inference components. Please include Inference Component Name header or consider using SageMaker models.";

const arnOf = (name: string) => `arn:aws:sagemaker:eu-west-1:123456789012:inference-component/${name}`;
const variantsOf = (config: Body) =>
  (Array.isArray(config.ProductionVariants) ? config.ProductionVariants : []) as Variant[];
/** An endpoint whose variants name no model hosts inference components. */
export const hostsComponents = (config: Body) => variantsOf(config).every((variant) => !variant.ModelName);

/**
 * SageMaker inference components, as our model of their documented and observed rules (see docs/architecture.md):
 * - `CreateInferenceComponent` only on an InService endpoint whose config's variants name no model (else "Inference
 *   Components are not supported in this Endpoint"), on one of its variants, for an existing model, with
 *   `MinMemoryRequiredInMb` ≥ 128, `NumberOfCpuCoresRequired` ≥ 0.25 and a copy count > 0 (0 is refused at creation;
 *   `UpdateInferenceComponentRuntimeConfig` may set 0); names of letters, digits and inner dashes, ≤ 63; Creating →
 *   InService, or Failed with the container's reason when its model cannot start; a component in progress takes no
 *   update or delete (a failed one may be deleted); deleting one leaves its scalable target (undocumented either way);
 * - the stand-in's own capacity rule (SageMaker's is not published): all copies' memory fits the instance type's
 *   memory × the fleet's MaxInstanceCount, else ResourceLimitExceeded;
 * - `InvokeEndpoint` on such an endpoint needs the component header; a component at 0 copies refuses with
 *   ValidationError ("no capacity"), records `NoCapacityInvocationFailures` and — when an alarm on it fires a step
 *   policy of the component's registered scalable target — Application Auto Scaling adds copies (up to MaxCapacity);
 *   otherwise the CSV body is scored, for real, by the component's ONNX model;
 * - Application Auto Scaling on `inference-component/<name>` (`sagemaker:inference-component:DesiredCopyCount`) takes
 *   only an existing component and 0 ≤ MinCapacity ≤ MaxCapacity.
 */
export class FakeInferenceComponents {
  readonly components = new Map<string, Component>();
  readonly targets = new Map<string, ScalableTarget>();
  private s3: FakeS3 | undefined;

  constructor(
    private readonly world: {
      endpoint: (name: string) => ComponentEndpointView | undefined;
      model: (name: string) => Body | undefined;
      /** Why a copy of this model cannot start (its container fails the ping), if it cannot. */
      modelFailure: (name: string) => string | undefined;
      cloudWatch: CloudWatchMetrics;
      alarms: () => Map<string, Body>;
      transitionMs: number;
    },
  ) {}

  useS3(s3: FakeS3) {
    this.s3 = s3;
  }

  handles(operation: string): boolean {
    return operation.includes("InferenceComponent");
  }

  isInvocation(method: string | undefined, url: string): boolean {
    return method === "POST" && INVOKE_PATH.test(url);
  }

  advance(now: number) {
    for (const [name, component] of this.components) {
      if (now < component.readyAt) continue;
      if (component.status === "Deleting") {
        // Whether SageMaker deregisters the component's scalable target with it is not documented: it stays here.
        this.components.delete(name);
      } else if (component.status === "Creating" && this.world.modelFailure(component.modelName)) {
        component.status = "Failed";
        component.failureReason = this.world.modelFailure(component.modelName);
      } else if (component.status !== "InService" && component.status !== "Failed") {
        component.status = "InService";
        component.current = component.desired;
      }
    }
  }

  dispatch(operation: string, body: Body): Body {
    switch (operation) {
      case "CreateInferenceComponent":
        return this.create(body);
      case "DescribeInferenceComponent":
        return this.describe(this.find(String(body.InferenceComponentName ?? "")));
      case "ListInferenceComponents":
        return this.list(body);
      case "UpdateInferenceComponentRuntimeConfig":
        return this.setCopies(body);
      case "DeleteInferenceComponent": {
        const component = this.find(String(body.InferenceComponentName ?? ""));
        this.assertNotInProgress(component);
        component.status = "Deleting";
        component.readyAt = Date.now() + this.world.transitionMs;
        return {};
      }
      default:
        throw new ApiError("UnknownOperationException", `The fake does not implement ${operation}`);
    }
  }

  /** Application Auto Scaling for inference components (the asynchronous stand-in keeps endpoint variants). */
  answerAutoScaling(operation: string, body: Body): Body {
    const id = String(body.ResourceId ?? "");
    switch (operation) {
      case "RegisterScalableTarget": {
        const component = this.components.get(RESOURCE.exec(id)?.[1] ?? "");
        if (body.ScalableDimension !== "sagemaker:inference-component:DesiredCopyCount" || !component)
          throw invalid(`Unsupported resource ${id}: no such inference component`);
        const min = Number(body.MinCapacity);
        const max = Number(body.MaxCapacity);
        if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min)
          throw invalid(
            `MinCapacity ${min} and MaxCapacity ${max} must be integers with 0 ≤ MinCapacity ≤ MaxCapacity`,
          );
        this.targets.set(id, { min, max, policies: this.targets.get(id)?.policies ?? new Map() });
        return { ScalableTargetARN: `arn:aws:application-autoscaling:eu-west-1:123456789012:scalable-target/${id}` };
      }
      case "PutScalingPolicy": {
        const target = this.target(id);
        const name = String(body.PolicyName ?? "");
        const PolicyARN = `arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:${randomUUID()}:resource/sagemaker/${id}:policyName/${name}`;
        target.policies.set(name, { ...body, PolicyARN });
        return { PolicyARN };
      }
      case "DeregisterScalableTarget":
        this.target(id);
        this.targets.delete(id);
        return {};
      default:
        throw invalid(`The stand-in does not implement ${operation} for inference components`);
    }
  }

  /** InvokeEndpoint (REST JSON) on an endpoint of inference components. */
  async invoke(request: IncomingMessage, body: Buffer, response: ServerResponse) {
    const endpointName = decodeURIComponent(INVOKE_PATH.exec(request.url ?? "")?.[1] ?? "");
    try {
      const answer = await this.answer(endpointName, request, body);
      response.statusCode = 200;
      response.setHeader("content-type", "text/csv");
      response.setHeader("x-amzn-invoked-production-variant", answer.variant);
      response.end(answer.body);
    } catch (error) {
      answerRuntimeError(response, error);
    }
  }

  private async answer(endpointName: string, request: IncomingMessage, body: Buffer) {
    const endpoint = this.world.endpoint(endpointName);
    if (!endpoint) throw new ApiError("ValidationError", `Endpoint ${endpointName} of account 123456789012 not found.`);
    if (!hostsComponents(endpoint.config))
      throw new ApiError("ValidationError", "The stand-in invokes endpoints of inference components only.");
    const header = request.headers[COMPONENT_HEADER];
    if (typeof header !== "string" || header === "") throw new ApiError("ValidationError", HEADER_REQUIRED);
    const component = this.components.get(header);
    if (!component || component.endpointName !== endpointName)
      throw new ApiError("ValidationError", `Inference component ${header} not found on endpoint ${endpointName}.`);
    if (component.current === 0) {
      this.noCapacity(component);
      throw new ApiError("ValidationError", NO_CAPACITY);
    }
    const model = this.world.model(component.modelName);
    if (!model || !this.s3) throw new ApiError("ModelError", "The component's model is gone", 424);
    const scored = await scoreCsvRequest(model, this.s3, body.toString("utf8"));
    if (!scored.ok) throw new ApiError("ModelError", `Received client error (400) from primary: ${scored.reason}`, 424);
    return { body: scored.body, variant: component.variantName };
  }

  /** The refusal is counted; an alarm on the count that fires this component's step policy adds copies. */
  private noCapacity(component: Component) {
    this.world.cloudWatch.record("NoCapacityInvocationFailures", { InferenceComponentName: component.name }, 1);
    const target = this.targets.get(`inference-component/${component.name}`);
    if (!target || component.status !== "InService") return;
    for (const alarm of this.world.alarms().values()) {
      const dimensions = (alarm.Dimensions ?? []) as { Name?: string; Value?: string }[];
      const watches =
        alarm.MetricName === "NoCapacityInvocationFailures" &&
        alarm.Namespace === "AWS/SageMaker" &&
        dimensions.some((d) => d.Name === "InferenceComponentName" && d.Value === component.name) &&
        Number(alarm.Threshold) <= 1 &&
        alarm.ComparisonOperator === "GreaterThanOrEqualToThreshold";
      if (!watches) continue;
      const actions = (alarm.AlarmActions ?? []) as string[];
      const policy = [...target.policies.values()].find((p) => actions.includes(p.PolicyARN));
      const step = policy?.StepScalingPolicyConfiguration as
        { StepAdjustments?: { ScalingAdjustment?: number }[] } | undefined;
      const adjustment = step?.StepAdjustments?.[0]?.ScalingAdjustment ?? 0;
      if (adjustment <= 0) continue;
      component.desired = Math.min(target.max, component.desired + adjustment);
      component.status = "Updating";
      component.readyAt = Date.now() + this.world.transitionMs;
      return;
    }
  }

  private create(body: Body): Body {
    const name = String(body.InferenceComponentName ?? "");
    if (name.length > 63 || !NAME.test(name))
      throw invalid(`InferenceComponentName ${name} must have 1–63 letters, digits and inner dashes`);
    if (this.components.has(name))
      throw invalid(`Cannot create already existing inference component "${arnOf(name)}".`);
    const endpointName = String(body.EndpointName ?? "");
    const endpoint = this.world.endpoint(endpointName);
    if (!endpoint) throw invalid(`Could not find endpoint "${endpointName}".`);
    if (!hostsComponents(endpoint.config))
      throw invalid(
        "Inference Components are not supported in this Endpoint. Please make sure this endpoint can deploy inference components.",
      );
    if (endpoint.status !== "InService")
      throw invalid(`Endpoint ${endpointName} is ${endpoint.status}, not InService.`);
    const variantName = String(body.VariantName ?? "");
    if (!variantsOf(endpoint.config).some((variant) => variant.VariantName === variantName))
      throw invalid(`Endpoint ${endpointName} has no variant ${variantName}.`);
    const specification = (body.Specification ?? {}) as Body;
    const modelName = String(specification.ModelName ?? "");
    if (!this.world.model(modelName)) throw invalid(`Could not find model "${modelName}".`);
    const compute = (specification.ComputeResourceRequirements ?? {}) as Body;
    const memoryMb = Number(compute.MinMemoryRequiredInMb);
    if (!Number.isInteger(memoryMb) || memoryMb < 128)
      throw invalid("MinMemoryRequiredInMb is required and at least 128");
    if (compute.NumberOfCpuCoresRequired !== undefined && !(Number(compute.NumberOfCpuCoresRequired) >= 0.25))
      throw invalid("NumberOfCpuCoresRequired must be at least 0.25");
    const copies = Number((body.RuntimeConfig as Body | undefined)?.CopyCount);
    if (!Number.isInteger(copies) || copies < 1)
      throw invalid("Inference components copy count an integer larger than 0");
    const component: Component = {
      name,
      endpointName,
      variantName,
      modelName,
      memoryMb,
      desired: copies,
      current: 0,
      status: "Creating",
      readyAt: Date.now() + this.world.transitionMs,
      tags: Array.isArray(body.Tags) ? body.Tags : [],
    };
    this.assertFits(endpoint, component, copies);
    this.components.set(name, component);
    return { InferenceComponentArn: arnOf(name) };
  }

  private setCopies(body: Body): Body {
    const component = this.find(String(body.InferenceComponentName ?? ""));
    this.assertNotInProgress(component);
    const copies = Number((body.DesiredRuntimeConfig as Body | undefined)?.CopyCount);
    if (!Number.isInteger(copies) || copies < 0) throw invalid("CopyCount must be an integer of at least 0");
    const endpoint = this.world.endpoint(component.endpointName);
    if (endpoint) this.assertFits(endpoint, component, copies);
    component.desired = copies;
    component.status = "Updating";
    component.readyAt = Date.now() + this.world.transitionMs;
    return { InferenceComponentArn: arnOf(component.name) };
  }

  /** Whether components (deleting ones too) are still on the endpoint: SageMaker deletes an endpoint only without. */
  hostsAny(endpointName: string): boolean {
    return [...this.components.values()].some((c) => c.endpointName === endpointName);
  }

  /**
   * The instances managed instance scaling runs for a component endpoint (our model: enough memory for the running
   * copies, within the fleet's bounds — 0 once every component is at 0 copies and the minimum is 0).
   */
  instancesOf(endpointName: string, config: Body): number {
    const variant = variantsOf(config)[0] ?? {};
    const scaling = (variant as { ManagedInstanceScaling?: ManagedScaling }).ManagedInstanceScaling;
    const memory = [...this.components.values()]
      .filter((c) => c.endpointName === endpointName && c.status !== "Deleting")
      .reduce((sum, c) => sum + c.memoryMb * c.current, 0);
    const needed = Math.ceil(memory / (MEMORY_MB[variant.InstanceType ?? ""] ?? 8192));
    return Math.min(Math.max(needed, scaling?.MinInstanceCount ?? 1), scaling?.MaxInstanceCount ?? needed);
  }

  private assertFits(endpoint: ComponentEndpointView, changed: Component, copies: number) {
    const variant = variantsOf(endpoint.config)[0] ?? {};
    const scaling = (variant as { ManagedInstanceScaling?: ManagedScaling }).ManagedInstanceScaling;
    const instances = scaling?.MaxInstanceCount ?? variant.InitialInstanceCount ?? 1;
    const capacity = (MEMORY_MB[variant.InstanceType ?? ""] ?? 8192) * instances;
    const others = [...this.components.values()].filter(
      (c) => c.endpointName === changed.endpointName && c.name !== changed.name && c.status !== "Deleting",
    );
    const needed = others.reduce((sum, c) => sum + c.memoryMb * c.desired, 0) + changed.memoryMb * copies;
    if (needed > capacity)
      throw new ApiError(
        "ResourceLimitExceeded",
        `The copies of the inference components of ${changed.endpointName} need ${needed} MB; its fleet has ${capacity} MB`,
      );
  }

  private assertNotInProgress(component: Component) {
    if (component.status !== "InService" && component.status !== "Failed")
      throw invalid(`Cannot update in-progress inference component "${arnOf(component.name)}".`);
  }

  private find(name: string): Component {
    const component = this.components.get(name);
    if (!component) throw invalid(`Could not find inference component "${arnOf(name)}".`);
    return component;
  }

  private target(id: string): ScalableTarget {
    const target = this.targets.get(id);
    if (!target) throw new ApiError("ObjectNotFoundException", `No scalable target registered for ${id}`);
    return target;
  }

  private describe(component: Component): Body {
    return {
      InferenceComponentName: component.name,
      InferenceComponentArn: arnOf(component.name),
      EndpointName: component.endpointName,
      VariantName: component.variantName,
      InferenceComponentStatus: component.status,
      Specification: {
        ModelName: component.modelName,
        ComputeResourceRequirements: { MinMemoryRequiredInMb: component.memoryMb },
      },
      RuntimeConfig: { DesiredCopyCount: component.desired, CurrentCopyCount: component.current },
      ...(component.failureReason && { FailureReason: component.failureReason }),
      CreationTime: 0,
      LastModifiedTime: 0,
    };
  }

  private list(body: Body): Body {
    const endpointName = typeof body.EndpointNameEquals === "string" ? body.EndpointNameEquals : undefined;
    const all = [...this.components.values()].filter((c) => !endpointName || c.endpointName === endpointName);
    const size = Number(body.MaxResults ?? 10);
    const start = Number(body.NextToken ?? 0);
    const page = all.slice(start, start + size);
    return {
      InferenceComponents: page.map((component) => ({
        InferenceComponentName: component.name,
        InferenceComponentArn: arnOf(component.name),
        EndpointName: component.endpointName,
        VariantName: component.variantName,
        InferenceComponentStatus: component.status,
        CreationTime: 0,
        LastModifiedTime: 0,
      })),
      ...(start + size < all.length && { NextToken: String(start + size) }),
    };
  }
}
