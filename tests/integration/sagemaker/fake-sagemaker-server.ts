import type { IncomingMessage, ServerResponse } from "node:http";
import { LoopbackServer } from "@/tests/integration/support/loopback-server";
import { CloudWatchMetrics } from "@/tests/integration/sagemaker/fake-cloudwatch";
import { ApiError, invalid } from "@/tests/integration/sagemaker/fake-aws-error";
import type { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { FakeTransformJobs } from "@/tests/integration/sagemaker/fake-transform-jobs";
import {
  FakeInferenceComponents,
  hostsComponents,
  type ComponentEndpointView,
} from "@/tests/integration/sagemaker/fake-inference-components";
import { FakeAsyncInference, type AsyncEndpointView } from "@/tests/integration/sagemaker/fake-async-inference";

type Body = Record<string, unknown>;
type Tag = { Key: string; Value: string };
type Variant = {
  VariantName: string;
  ModelName?: string;
  InitialVariantWeight: number;
  InitialInstanceCount?: number;
};
type CapacitySize = { Type?: string; Value?: number };
type Routing = {
  Type?: string;
  WaitIntervalInSeconds?: number;
  CanarySize?: CapacitySize;
  LinearStepSize?: CapacitySize;
};
type DeploymentConfig = {
  BlueGreenUpdatePolicy?: {
    TrafficRoutingConfiguration?: Routing;
    TerminationWaitInSeconds?: number;
    MaximumExecutionTimeoutInSeconds?: number;
  };
  AutoRollbackConfiguration?: { Alarms?: { AlarmName: string }[] };
};

/** What SageMaker is doing to an endpoint: times are Date.now() values, derived from the request when it arrived. */
type Operation =
  | { kind: "create"; readyAt: number; unhealthy?: string }
  | { kind: "weights"; readyAt: number; weights: Record<string, number> }
  | {
      kind: "update";
      config: string;
      /** The green fleet is up and takes traffic; alarms are watched from here until bakedAt. */
      provisionedAt: number;
      bakedAt: number;
      alarms: string[];
      /** Set when the update is rolling back: when that ends, and why. */
      rollback?: { doneAt: number; reason: string };
      /** Why the green fleet's containers fail their ping health check, if they do. */
      unhealthy?: string;
      failRollback?: string;
    }
  | { kind: "delete"; goneAt: number };

type Endpoint = {
  arn: string;
  status: string;
  configName: string;
  failureReason?: string;
  weights: Record<string, number>;
  operation?: Operation;
  lastDeploymentConfig?: DeploymentConfig;
  /** New fleets SageMaker started for the endpoint: one per CreateEndpoint and per UpdateEndpoint. */
  fleets: number;
};

export type RecordedRequest = { operation: string; body: Body; authorization: string };
/** CloudWatch's AWS JSON 1.0 target prefix (`X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`). */
const CLOUDWATCH_TARGET = "GraniteServiceVersion20100801.";
/** Application Auto Scaling's AWS JSON 1.1 target prefix. */
const AUTOSCALING_TARGET = "AnyScaleFrontendService.";
/** How fast time runs: SageMaker's minutes of instance start and bake become milliseconds. */
export type FakeTiming = { transitionMs: number; msPerSecond: number };

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const MAX_WAIT_SECONDS = 3600;
const UPDATABLE = new Set(["InService", "UpdateRollbackFailed"]);

const LABELS: Record<string, string> = {
  model: "model",
  "endpoint-config": "endpoint configuration",
  endpoint: "endpoint",
};
const arnOf = (kind: string, name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}/${name}`;
const text = (body: Body, key: string) => String(body[key] ?? "");
const variantsOf = (body: Body) =>
  Array.isArray(body.ProductionVariants) ? (body.ProductionVariants as Variant[]) : [];
const shadowsOf = (body: Body) =>
  Array.isArray(body.ShadowProductionVariants) ? (body.ShadowProductionVariants as Variant[]) : [];
const tagsOf = (body: Body) => (Array.isArray(body.Tags) ? (body.Tags as Tag[]) : []);

function assertRange(value: number | undefined, min: number, max: number, field: string) {
  if (value === undefined || !Number.isInteger(value) || value < min || value > max)
    throw invalid(`${field} must be between ${min} and ${max} (got ${value})`);
}

/** The DeploymentConfig checks SageMaker documents (API reference: BlueGreenUpdatePolicy, TrafficRoutingConfig, ...). */
function validateDeploymentConfig(config: DeploymentConfig | undefined) {
  const policy = config?.BlueGreenUpdatePolicy;
  const routing = policy?.TrafficRoutingConfiguration;
  if (policy?.MaximumExecutionTimeoutInSeconds !== undefined)
    assertRange(policy.MaximumExecutionTimeoutInSeconds, 600, 28_800, "MaximumExecutionTimeoutInSeconds");
  if (policy?.TerminationWaitInSeconds !== undefined)
    assertRange(policy.TerminationWaitInSeconds, 0, MAX_WAIT_SECONDS, "TerminationWaitInSeconds");
  if (routing) assertRange(routing.WaitIntervalInSeconds, 0, MAX_WAIT_SECONDS, "WaitIntervalInSeconds");
  if (routing?.Type === "CANARY") assertRange(routing.CanarySize?.Value, 1, 50, "CanarySize (CAPACITY_PERCENT)");
  if (routing?.Type === "LINEAR")
    assertRange(routing.LinearStepSize?.Value, 10, 50, "LinearStepSize (CAPACITY_PERCENT)");
  const alarms = config?.AutoRollbackConfiguration?.Alarms;
  if (alarms !== undefined) assertRange(alarms.length, 1, 10, "the number of AutoRollbackConfiguration alarms");
}

/**
 * CreateEndpointConfig's variant rules (API reference: CreateEndpointConfig, ProductionVariant): InitialVariantWeight
 * at least 0; with ShadowProductionVariants, one production variant and one shadow ("If you use this field, you can
 * only specify one variant for ProductionVariants and one variant for ShadowProductionVariants"), the shadow on a
 * model of its own (developer guide, "Deploy shadow variants": one model for the production variant, one for the
 * shadow); variant names unique across both lists.
 */
function validateEndpointConfig(body: Body) {
  const variants = variantsOf(body);
  const shadows = shadowsOf(body);
  if (variants.length < 1 || variants.length > 10)
    throw invalid(`ProductionVariants must have between 1 and 10 members (got ${variants.length})`);
  // InitialVariantWeight defaults to 1.0 (API reference).
  const negative = [...variants, ...shadows].find((variant) => !((variant.InitialVariantWeight ?? 1) >= 0));
  if (negative) throw invalid(`InitialVariantWeight of ${negative.VariantName} must be at least 0`);
  if (shadows.length > 1) throw invalid(`ShadowProductionVariants must have at most 1 member (got ${shadows.length})`);
  if (shadows.length > 0 && variants.length !== 1)
    throw invalid("An endpoint configuration with ShadowProductionVariants can have only one production variant.");
  const names = [...variants, ...shadows].map((variant) => variant.VariantName);
  if (new Set(names).size !== names.length) throw invalid(`Variant names must be unique (got ${names.join(", ")})`);
  validateAsyncConfig(body.AsyncInferenceConfig as Body | undefined);
  validateComponentHosting(body, variants);
  const shared = shadows.find((shadow) => variants.some((variant) => variant.ModelName === shadow.ModelName));
  if (shared)
    throw invalid(`The shadow variant ${shared.VariantName} must use a model other than the production variant's.`);
}

/**
 * Inference-component hosting (observed SageMaker refusals): managed instance scaling only on variants that name no
 * model, and an endpoint config without model names carries the execution role the components run with.
 */
function validateComponentHosting(body: Body, variants: Variant[]) {
  const managed = variants.find(
    (variant) =>
      (variant as Variant & { ManagedInstanceScaling?: unknown }).ManagedInstanceScaling && variant.ModelName,
  );
  if (managed) throw invalid("ManagedInstanceScaling is only supported for inference component endpoints.");
  for (const variant of variants) {
    const scaling = (
      variant as Variant & { ManagedInstanceScaling?: { MinInstanceCount?: number; MaxInstanceCount?: number } }
    ).ManagedInstanceScaling;
    if (variant.InitialInstanceCount !== undefined && variant.InitialInstanceCount < 1)
      throw invalid(`InitialInstanceCount of ${variant.VariantName} must be at least 1`);
    if (
      scaling &&
      !((scaling.MaxInstanceCount ?? 0) >= 1 && (scaling.MinInstanceCount ?? 0) <= (scaling.MaxInstanceCount ?? 0))
    )
      throw invalid(
        `ManagedInstanceScaling of ${variant.VariantName} needs 0 ≤ MinInstanceCount ≤ MaxInstanceCount, MaxInstanceCount ≥ 1`,
      );
  }
  if (variants.some((variant) => !variant.ModelName) && !body.ExecutionRoleArn)
    throw invalid("ExecutionRoleArn is required in an endpoint configuration for inference components.");
}

/**
 * AsyncInferenceConfig (API reference): OutputConfig is required, with an s3:// S3OutputPath (S3FailurePath optional);
 * ClientConfig.MaxConcurrentInvocationsPerInstance is 1–1000.
 */
function validateAsyncConfig(config: Body | undefined) {
  if (!config) return;
  const output = config.OutputConfig as { S3OutputPath?: string; S3FailurePath?: string } | undefined;
  if (!output?.S3OutputPath || !/^s3:\/\//.test(output.S3OutputPath))
    throw invalid("AsyncInferenceConfig.OutputConfig.S3OutputPath is required and must be an s3:// URI");
  if (output.S3FailurePath !== undefined && !/^s3:\/\//.test(output.S3FailurePath))
    throw invalid("AsyncInferenceConfig.OutputConfig.S3FailurePath must be an s3:// URI");
  const client = config.ClientConfig as { MaxConcurrentInvocationsPerInstance?: number } | undefined;
  if (client?.MaxConcurrentInvocationsPerInstance !== undefined)
    assertRange(client.MaxConcurrentInvocationsPerInstance, 1, 1000, "MaxConcurrentInvocationsPerInstance");
}

/** Seconds of baking (watched by the alarms) an update runs after its green fleet is up. */
function bakeSeconds(config: DeploymentConfig | undefined): number {
  const policy = config?.BlueGreenUpdatePolicy;
  const routing = policy?.TrafficRoutingConfiguration;
  const wait = routing?.WaitIntervalInSeconds ?? 0;
  const steps =
    routing?.Type === "CANARY"
      ? 1
      : routing?.Type === "LINEAR"
        ? Math.ceil(100 / (routing.LinearStepSize?.Value ?? 100))
        : 0;
  return steps * wait + (policy?.TerminationWaitInSeconds ?? 0);
}

/**
 * A small SageMaker control plane speaking the real wire protocol (AWS JSON 1.1, `X-Amz-Target: SageMaker.<Op>`,
 * `__type` errors), so the real SDK client is exercised end to end: endpoint override, SigV4 signing, serialization and
 * error parsing. Its behaviour is our model of SageMaker's documented rules, not a recording:
 * - Creating → InService and Updating → InService happen in (scaled) time, evaluated whenever a request arrives;
 * - UpdateEndpoint is accepted only InService or UpdateRollbackFailed, weight changes only InService ("Cannot update
 *   in-progress endpoint");
 * - a CANARY or LINEAR update must keep the live variant names;
 * - an update bakes for its wait intervals plus the termination wait, and rolls back when one of its
 *   AutoRollbackConfiguration alarms is in ALARM (set by the test), ending InService on the old config with a
 *   FailureReason (kept afterwards: whether SageMaker clears it on a later success is not documented);
 * - `failNextUpdateRollback` makes the next update end UpdateRollbackFailed, on a mix of both configs;
 * - endpoint configs keep CreateEndpointConfig's variant rules (shadows included, see validateEndpointConfig), weight
 *   changes need DesiredWeight ≥ 0 and some weight left; DescribeEndpoint reports ShadowProductionVariants;
 * - batch transform jobs (Create/Describe/StopTransformJob) keep the API reference's rules and really score their
 *   input with the model's ONNX file, reading and writing the S3 stand-in given to `useS3` (fake-transform-jobs.ts).
 */
export class FakeSageMaker {
  readonly requests: RecordedRequest[] = [];
  private readonly models = new Map<string, Body>();
  private readonly configs = new Map<string, Body>();
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly tags = new Map<string, Tag[]>();
  private readonly throttles = new Map<string, number>();
  private readonly alarms = new Map<string, "OK" | "ALARM">();
  private readonly lostResponses = new Set<string>();
  /** The `AWS/SageMaker` metrics CloudWatch holds for this account: every invocation served, and what tests add. */
  readonly cloudWatch = new CloudWatchMetrics();
  private cloudWatchDown = false;
  private nextRollbackFailure: string | undefined;
  private failsPing: (modelTags: Tag[]) => boolean = () => false;
  private readonly server = new LoopbackServer((request, response) => void this.handle(request, response));
  /** Batch transform jobs (fake-transform-jobs.ts); they read and write the S3 given to useS3. */
  readonly transformJobs: FakeTransformJobs;
  /** Asynchronous invocations (SageMaker Runtime) and Application Auto Scaling (fake-async-inference.ts). */
  readonly asyncInference = new FakeAsyncInference((name) => this.asyncView(name));
  /** Inference components, their InvokeEndpoint and their copy scaling (fake-inference-components.ts). */
  readonly inferenceComponents: FakeInferenceComponents;

  /** `journal` is shared with other fakes (e.g. S3) to check the order of calls across services. */
  constructor(
    private readonly journal: string[] = [],
    private readonly timing: FakeTiming = { transitionMs: 20, msPerSecond: 0.2 },
  ) {
    this.transformJobs = new FakeTransformJobs(arnOf, (name) => this.models.get(name), timing.transitionMs);
    this.inferenceComponents = new FakeInferenceComponents({
      endpoint: (name) => this.componentView(name),
      model: (name) => this.models.get(name),
      modelFailure: (name) =>
        this.models.has(name) && this.failsPing(this.tags.get(arnOf("model", name)) ?? [])
          ? "The container for this inference component did not pass the ping health check."
          : undefined,
      cloudWatch: this.cloudWatch,
      alarms: () => this.cloudWatch.alarms,
      transitionMs: timing.transitionMs,
    });
  }

  /** The S3 stand-in SageMaker reads model data and transform input from, and writes transform output to. */
  useS3(s3: FakeS3) {
    this.transformJobs.useS3(s3);
    this.asyncInference.useS3(s3);
    this.inferenceComponents.useS3(s3);
  }

  async start(): Promise<string> {
    return `http://${await this.server.start()}`;
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  throttle(operation: string, times: number) {
    this.throttles.set(operation, times);
  }

  /** A CloudWatch alarm's state, as SageMaker would read it while baking. */
  setAlarm(name: string, state: "OK" | "ALARM") {
    this.advanceAll();
    this.alarms.set(name, state);
  }

  /**
   * Which models' containers fail SageMaker's ping health check (a model that cannot be loaded): their fleet never
   * becomes healthy, so a new endpoint ends Failed and an update rolls back to the old fleet.
   */
  failPingWhen(predicate: (modelTags: Tag[]) => boolean) {
    this.failsPing = predicate;
  }

  /**
   * One InvokeEndpoint: a variant drawn by the serving weights; answers its name and its model's tags, and the shadow
   * it mirrored the request to, if any.
   */
  invoke(endpointName: string): { variantName: string; modelTags: Tag[]; mirroredTo?: string } | null {
    this.advanceAll();
    const endpoint = this.endpoints.get(endpointName);
    if (!endpoint || !["InService", "Updating", "UpdateRollbackFailed"].includes(endpoint.status)) return null;
    const variants = this.variantsOfConfig(endpoint.configName).filter(
      (v) => (endpoint.weights[v.VariantName] ?? 0) > 0,
    );
    const total = variants.reduce((sum, v) => sum + (endpoint.weights[v.VariantName] ?? 0), 0);
    let draw = Math.random() * total;
    const chosen = variants.find((v) => (draw -= endpoint.weights[v.VariantName] ?? 0) < 0) ?? variants.at(-1);
    if (!chosen?.ModelName) return null;
    this.cloudWatch.recordInvocation({ EndpointName: endpointName, VariantName: chosen.VariantName });
    const mirroredTo = this.mirror(endpointName, endpoint.configName, chosen);
    return {
      variantName: chosen.VariantName,
      modelTags: this.tags.get(arnOf("model", chosen.ModelName)) ?? [],
      ...(mirroredTo && { mirroredTo }),
    };
  }

  /** A shadow is sent a copy of the share its weight is of the production variant's; its answer is dropped. */
  private mirror(endpointName: string, configName: string, answered: Variant): string | undefined {
    const shadow = shadowsOf(this.find(this.configs, "endpoint-config", configName))[0];
    if (!shadow || !(Math.random() * answered.InitialVariantWeight < shadow.InitialVariantWeight)) return undefined;
    this.cloudWatch.recordInvocation({ EndpointName: endpointName, VariantName: shadow.VariantName });
    return shadow.VariantName;
  }

  /** CloudWatch (same server, AWS JSON 1.0) answers every GetMetricData with an InternalFailure while down. */
  setCloudWatchDown(down: boolean) {
    this.cloudWatchDown = down;
  }

  /** The next UpdateEndpoint fails and so does its rollback: the endpoint ends UpdateRollbackFailed. */
  failNextUpdateRollback(reason: string) {
    this.nextRollbackFailure = reason;
  }

  /** The next call of `operation` is carried out, but its answer is lost (HTTP 500). */
  loseNextResponse(operation: string) {
    this.lostResponses.add(operation);
  }

  /** Everything SageMaker is doing finishes now (alarms still decide whether an update rolls back). */
  finishOperations() {
    for (const endpoint of this.endpoints.values()) {
      const operation = endpoint.operation;
      if (operation?.kind === "update") {
        operation.provisionedAt = 0;
        operation.bakedAt = 0;
        if (operation.rollback) operation.rollback.doneAt = 0;
      } else if (operation?.kind === "delete") operation.goneAt = 0;
      else if (operation) operation.readyAt = 0;
    }
    this.advanceAll();
  }

  operations(): string[] {
    return this.requests.map((request) => request.operation);
  }

  /** How many fleets SageMaker started for the endpoint so far. */
  fleets(endpointName: string): number {
    return this.endpoints.get(endpointName)?.fleets ?? 0;
  }

  /** The config the endpoint serves now (its EndpointConfigName). */
  servingConfig(endpointName: string): string | undefined {
    this.advanceAll();
    return this.endpoints.get(endpointName)?.configName;
  }

  resourceNames() {
    return {
      models: [...this.models.keys()],
      configs: [...this.configs.keys()],
      endpoints: [...this.endpoints.keys()],
    };
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers["x-amz-target"] ?? "");
    if (request.method === "POST" && this.asyncInference.handles(request.url ?? "")) {
      this.record("SageMakerRuntime.InvokeEndpointAsync", { url: request.url ?? "" });
      this.advanceAll();
      this.asyncInference.invoke(request, response);
      return;
    }
    if (this.inferenceComponents.isInvocation(request.method, request.url ?? "")) {
      this.record("SageMakerRuntime.InvokeEndpoint", { url: request.url ?? "" });
      this.advanceAll();
      await this.inferenceComponents.invoke(request, Buffer.concat(chunks), response);
      return;
    }
    if (target.startsWith(AUTOSCALING_TARGET)) {
      this.answerAutoScaling(target.slice(AUTOSCALING_TARGET.length), Buffer.concat(chunks).toString("utf8"), response);
      return;
    }
    if (target.startsWith(CLOUDWATCH_TARGET)) {
      this.answerCloudWatch(target.slice(CLOUDWATCH_TARGET.length), Buffer.concat(chunks).toString("utf8"), response);
      return;
    }
    const operation = String(request.headers["x-amz-target"] ?? "").replace(/^SageMaker\./, "");
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Body;
    this.requests.push({ operation, body, authorization: String(request.headers.authorization ?? "") });
    this.journal.push(`SageMaker.${operation}`);
    response.setHeader("content-type", "application/x-amz-json-1.1");
    try {
      this.advanceAll();
      const result = this.dispatch(operation, body);
      if (this.lostResponses.delete(operation)) throw new ApiError("InternalFailure", "We lost the answer", 500);
      response.statusCode = 200;
      response.end(JSON.stringify(result));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      response.statusCode = error.status;
      response.end(JSON.stringify({ __type: `com.amazon.coral.validate#${error.type}`, Message: error.message }));
    }
  }

  private record(operation: string, body: Body) {
    this.requests.push({ operation, body, authorization: "" });
    this.journal.push(operation);
  }

  private answerAutoScaling(operation: string, text: string, response: ServerResponse) {
    const body = JSON.parse(text || "{}") as Body;
    this.record(`AutoScaling.${operation}`, body);
    response.setHeader("content-type", "application/x-amz-json-1.1");
    try {
      this.advanceAll();
      const result = String(body.ResourceId ?? "").startsWith("inference-component/")
        ? this.inferenceComponents.answerAutoScaling(operation, body)
        : this.asyncInference.answer(operation, body);
      response.statusCode = 200;
      response.end(JSON.stringify(result));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      response.statusCode = error.status;
      response.end(JSON.stringify({ __type: error.type, Message: error.message }));
    }
  }

  /** What the inference components need to know of an endpoint: its status and the config it serves. */
  private componentView(name: string): ComponentEndpointView | undefined {
    const endpoint = this.endpoints.get(name);
    const config = endpoint && this.configs.get(endpoint.configName);
    return endpoint && config ? { status: endpoint.status, config } : undefined;
  }

  /** What the asynchronous side needs to know of an endpoint: its status, its config's async part, its model. */
  private asyncView(name: string): AsyncEndpointView | undefined {
    this.advanceAll();
    const endpoint = this.endpoints.get(name);
    if (!endpoint) return undefined;
    const config = this.configs.get(endpoint.configName);
    const variants = config ? variantsOf(config) : [];
    const modelName = variants[0]?.ModelName;
    return {
      status: endpoint.status,
      asyncConfig: config?.AsyncInferenceConfig as AsyncEndpointView["asyncConfig"],
      model: modelName ? this.models.get(modelName) : undefined,
      variants: variants.map((variant) => variant.VariantName),
    };
  }

  private instanceTypes(configName: string): Map<string, string> {
    return new Map(
      this.variantsOfConfig(configName).map((variant) => [
        variant.VariantName,
        String((variant as Variant & { InstanceType?: string }).InstanceType ?? ""),
      ]),
    );
  }

  /** CloudWatch's side of the stand-in: GetMetricData over what `cloudWatch` recorded (see fake-cloudwatch.ts). */
  private answerCloudWatch(operation: string, text: string, response: ServerResponse) {
    this.requests.push({
      operation: `CloudWatch.${operation}`,
      body: JSON.parse(text || "{}") as Body,
      authorization: "",
    });
    this.journal.push(`CloudWatch.${operation}`);
    const answer = this.cloudWatchDown
      ? { status: 500, body: { __type: "com.amazonaws.cloudwatch#InternalServiceError", message: "down (stand-in)" } }
      : this.cloudWatch.answer(operation, text);
    response.setHeader("content-type", "application/x-amz-json-1.0");
    response.statusCode = answer.status;
    response.end(JSON.stringify(answer.body));
  }

  private dispatch(operation: string, body: Body): Body {
    const throttled = this.throttles.get(operation) ?? 0;
    if (throttled > 0) {
      this.throttles.set(operation, throttled - 1);
      throw new ApiError("ThrottlingException", "Rate exceeded");
    }
    if (this.inferenceComponents.handles(operation)) return this.inferenceComponents.dispatch(operation, body);
    switch (operation) {
      case "CreateModel":
        return this.create(this.models, "model", text(body, "ModelName"), body);
      case "DescribeModel":
        return {
          ...this.find(this.models, "model", text(body, "ModelName")),
          ModelArn: arnOf("model", text(body, "ModelName")),
          CreationTime: 0,
        };
      case "CreateEndpointConfig":
        validateEndpointConfig(body);
        return this.create(this.configs, "endpoint-config", text(body, "EndpointConfigName"), body);
      case "DescribeEndpointConfig": {
        const name = text(body, "EndpointConfigName");
        return {
          ...this.find(this.configs, "endpoint-config", name),
          EndpointConfigArn: arnOf("endpoint-config", name),
          CreationTime: 0,
        };
      }
      case "CreateEndpoint":
        return this.createEndpoint(body);
      case "DescribeEndpoint":
        return this.describeEndpoint(text(body, "EndpointName"));
      case "UpdateEndpoint":
        return this.updateEndpoint(body);
      case "UpdateEndpointWeightsAndCapacities":
        return this.updateWeights(body);
      case "DeleteEndpoint":
        return this.deleteEndpoint(text(body, "EndpointName"));
      case "DeleteEndpointConfig":
        this.find(this.configs, "endpoint-config", text(body, "EndpointConfigName"));
        this.configs.delete(text(body, "EndpointConfigName"));
        return {};
      case "DeleteModel":
        this.find(this.models, "model", text(body, "ModelName"));
        this.models.delete(text(body, "ModelName"));
        return {};
      case "CreateTransformJob":
        return this.transformJobs.create(body);
      case "DescribeTransformJob":
        return this.transformJobs.describe(text(body, "TransformJobName"));
      case "StopTransformJob":
        return this.transformJobs.stop(text(body, "TransformJobName"));
      case "ListTags":
        return { Tags: this.tags.get(text(body, "ResourceArn")) ?? [] };
      case "AddTags":
        this.addTags(text(body, "ResourceArn"), tagsOf(body));
        return { Tags: tagsOf(body) };
      case "ListEndpointConfigs":
        return {
          EndpointConfigs: this.matching(this.configs, body).map((name) => ({
            EndpointConfigName: name,
            EndpointConfigArn: arnOf("endpoint-config", name),
            CreationTime: 0,
          })),
        };
      case "ListModels":
        return {
          Models: this.matching(this.models, body).map((name) => ({
            ModelName: name,
            ModelArn: arnOf("model", name),
            CreationTime: 0,
          })),
        };
      default:
        throw new ApiError("UnknownOperationException", `The fake does not implement ${operation}`);
    }
  }

  private create(store: Map<string, Body>, kind: string, name: string, body: Body): Body {
    if (store.has(name)) throw invalid(`Cannot create already existing ${LABELS[kind]} "${arnOf(kind, name)}".`);
    store.set(name, body);
    this.addTags(arnOf(kind, name), tagsOf(body));
    return kind === "model" ? { ModelArn: arnOf(kind, name) } : { EndpointConfigArn: arnOf(kind, name) };
  }

  private find(store: Map<string, Body>, kind: string, name: string): Body {
    const found = store.get(name);
    if (!found) throw invalid(`Could not find ${LABELS[kind]} "${arnOf(kind, name)}".`);
    return found;
  }

  private matching(store: Map<string, Body>, body: Body): string[] {
    return [...store.keys()].filter((name) => name.includes(text(body, "NameContains")));
  }

  private addTags(arn: string, tags: Tag[]) {
    const merged = new Map((this.tags.get(arn) ?? []).map((tag) => [tag.Key, tag.Value]));
    for (const tag of tags) merged.set(tag.Key, tag.Value);
    this.tags.set(
      arn,
      [...merged].map(([Key, Value]) => ({ Key, Value })),
    );
  }

  private endpoint(name: string): Endpoint {
    const endpoint = this.endpoints.get(name);
    if (!endpoint) throw invalid(`Could not find endpoint "${arnOf("endpoint", name)}".`);
    return endpoint;
  }

  private pingFailure(configName: string): string | undefined {
    const failing = this.variantsOfConfig(configName).find(
      (v) => v.ModelName && this.failsPing(this.tags.get(arnOf("model", v.ModelName)) ?? []),
    );
    return failing
      ? `The primary container for production variant ${failing.VariantName} did not pass the ping health check. Please check CloudWatch logs for this endpoint.`
      : undefined;
  }

  private variantsOfConfig(configName: string): Variant[] {
    return variantsOf(this.find(this.configs, "endpoint-config", configName));
  }

  private weightsOf(configName: string): Record<string, number> {
    return Object.fromEntries(
      this.variantsOfConfig(configName).map((variant) => [variant.VariantName, variant.InitialVariantWeight]),
    );
  }

  private createEndpoint(body: Body): Body {
    const name = text(body, "EndpointName");
    if (this.endpoints.has(name))
      throw invalid(`Cannot create already existing endpoint "${arnOf("endpoint", name)}".`);
    const configName = text(body, "EndpointConfigName");
    this.endpoints.set(name, {
      arn: arnOf("endpoint", name),
      status: "Creating",
      configName,
      weights: this.weightsOf(configName),
      operation: {
        kind: "create",
        readyAt: Date.now() + this.timing.transitionMs,
        unhealthy: this.pingFailure(configName),
      },
      fleets: 1,
    });
    this.addTags(arnOf("endpoint", name), tagsOf(body));
    return { EndpointArn: arnOf("endpoint", name) };
  }

  private assertStatus(endpoint: Endpoint, allowed: ReadonlySet<string>) {
    if (allowed.has(endpoint.status)) return;
    if (endpoint.operation) throw invalid(`Cannot update in-progress endpoint "${endpoint.arn}".`);
    if (endpoint.status === "Failed")
      throw invalid(`Endpoint "${endpoint.arn}" is Failed; DeleteEndpoint is the only operation it accepts.`);
    throw invalid(`Endpoint "${endpoint.arn}" is ${endpoint.status}; this operation needs it InService.`);
  }

  /** SageMaker's guardrails need the new config to keep the variant names of the one the endpoint runs. */
  private assertSameVariantNames(endpoint: Endpoint, newConfig: string, routing: Routing | undefined) {
    if (routing?.Type !== "CANARY" && routing?.Type !== "LINEAR") return;
    const names = (config: string) =>
      this.variantsOfConfig(config)
        .map((variant) => variant.VariantName)
        .sort()
        .join(",");
    if (names(endpoint.configName) !== names(newConfig))
      throw invalid(
        `Traffic shifting ${routing.Type} requires the new endpoint configuration ${newConfig} to have the same variant names as ${endpoint.configName}.`,
      );
  }

  private updateEndpoint(body: Body): Body {
    const endpoint = this.endpoint(text(body, "EndpointName"));
    this.assertStatus(endpoint, UPDATABLE);
    const config = text(body, "EndpointConfigName");
    this.find(this.configs, "endpoint-config", config);
    this.asyncInference.assertUpdatable(
      text(body, "EndpointName"),
      this.instanceTypes(endpoint.configName),
      this.instanceTypes(config),
    );
    this.asyncInference.newFleet(text(body, "EndpointName"));
    const deployment = body.DeploymentConfig as DeploymentConfig | undefined;
    validateDeploymentConfig(deployment);
    this.assertSameVariantNames(endpoint, config, deployment?.BlueGreenUpdatePolicy?.TrafficRoutingConfiguration);
    const provisionedAt = Date.now() + this.timing.transitionMs;
    endpoint.operation = {
      kind: "update",
      config,
      provisionedAt,
      bakedAt: provisionedAt + bakeSeconds(deployment) * this.timing.msPerSecond,
      alarms: (deployment?.AutoRollbackConfiguration?.Alarms ?? []).map((alarm) => alarm.AlarmName),
      failRollback: this.nextRollbackFailure,
      unhealthy: this.pingFailure(config),
    };
    this.nextRollbackFailure = undefined;
    endpoint.status = "Updating";
    endpoint.lastDeploymentConfig = deployment;
    endpoint.fleets++;
    return { EndpointArn: endpoint.arn };
  }

  private updateWeights(body: Body): Body {
    const endpoint = this.endpoint(text(body, "EndpointName"));
    this.assertStatus(endpoint, new Set(["InService"]));
    const desired = Array.isArray(body.DesiredWeightsAndCapacities)
      ? (body.DesiredWeightsAndCapacities as { VariantName: string; DesiredWeight: number }[])
      : [];
    const unknown = desired.filter((item) => !(item.VariantName in endpoint.weights));
    if (unknown.length > 0)
      throw invalid(`The variant(s) ${unknown.map((item) => item.VariantName).join(", ")} do not exist.`);
    // DesiredWeightAndCapacity: DesiredWeight "Valid Range: Minimum value of 0".
    const negative = desired.find((item) => !(item.DesiredWeight >= 0));
    if (negative) throw invalid(`DesiredWeight of ${negative.VariantName} must be at least 0`);
    const weights = {
      ...endpoint.weights,
      ...Object.fromEntries(desired.map((item) => [item.VariantName, item.DesiredWeight])),
    };
    // A variant's share is its weight over the sum of all weights (ProductionVariant.InitialVariantWeight), so a sum
    // of 0 routes nothing; the stand-in refuses it as our model of SageMaker's validation.
    if (!(Object.values(weights).reduce((sum, weight) => sum + weight, 0) > 0))
      throw invalid("The sum of the variant weights must be greater than 0.");
    endpoint.operation = { kind: "weights", readyAt: Date.now() + this.timing.transitionMs, weights };
    endpoint.status = "Updating";
    return { EndpointArn: endpoint.arn };
  }

  private deleteEndpoint(name: string): Body {
    const endpoint = this.endpoint(name);
    if (this.inferenceComponents.hostsAny(name))
      throw invalid(`Endpoint ${name} has inference components; delete them before the endpoint.`);
    this.asyncInference.forget(name);
    endpoint.status = "Deleting";
    endpoint.operation = { kind: "delete", goneAt: Date.now() + this.timing.transitionMs };
    return {};
  }

  private describeEndpoint(name: string): Body {
    const endpoint = this.endpoint(name);
    const operation = endpoint.operation;
    const pending = operation?.kind === "update" ? operation.config : undefined;
    const desiredWeights = operation?.kind === "weights" ? operation.weights : endpoint.weights;
    const liveConfig = this.find(this.configs, "endpoint-config", endpoint.configName);
    const shadows = shadowsOf(liveConfig);
    const scaled = hostsComponents(liveConfig)
      ? this.inferenceComponents.instancesOf(name, liveConfig)
      : this.asyncInference.instancesOf(name);
    const counts = Object.fromEntries(
      this.variantsOfConfig(endpoint.configName).map((variant) => [
        variant.VariantName,
        scaled ?? variant.InitialInstanceCount ?? 1,
      ]),
    );
    return {
      EndpointName: name,
      EndpointArn: endpoint.arn,
      EndpointConfigName: endpoint.configName,
      EndpointStatus: endpoint.status,
      ...(endpoint.failureReason && { FailureReason: endpoint.failureReason }),
      ...(pending && { PendingDeploymentSummary: { EndpointConfigName: pending } }),
      ...(endpoint.lastDeploymentConfig && { LastDeploymentConfig: endpoint.lastDeploymentConfig }),
      ...(liveConfig.AsyncInferenceConfig ? { AsyncInferenceConfig: liveConfig.AsyncInferenceConfig } : {}),
      CreationTime: 0,
      LastModifiedTime: 0,
      ProductionVariants: Object.entries(endpoint.weights).map(([VariantName, weight]) => ({
        VariantName,
        CurrentWeight: weight,
        DesiredWeight: desiredWeights[VariantName] ?? weight,
        CurrentInstanceCount: endpoint.status === "Creating" ? 0 : (counts[VariantName] ?? 1),
        DesiredInstanceCount: counts[VariantName] ?? 1,
      })),
      ...(shadows.length > 0 && {
        ShadowProductionVariants: shadows.map((shadow) => ({
          VariantName: shadow.VariantName,
          CurrentWeight: shadow.InitialVariantWeight,
          DesiredWeight: shadow.InitialVariantWeight,
          CurrentInstanceCount: endpoint.status === "Creating" ? 0 : (shadow.InitialInstanceCount ?? 1),
          DesiredInstanceCount: shadow.InitialInstanceCount ?? 1,
        })),
      }),
    };
  }

  private advanceAll() {
    const now = Date.now();
    for (const [name, endpoint] of this.endpoints) this.advance(name, endpoint, now);
    this.transformJobs.advance(now);
    this.inferenceComponents.advance(now);
  }

  private advance(name: string, endpoint: Endpoint, now: number) {
    const operation = endpoint.operation;
    if (operation?.kind === "delete" && now >= operation.goneAt) this.endpoints.delete(name);
    else if (operation?.kind === "create" && now >= operation.readyAt) {
      if (operation.unhealthy) endpoint.failureReason = operation.unhealthy;
      this.settle(endpoint, operation.unhealthy ? "Failed" : "InService");
    } else if (operation?.kind === "weights" && now >= operation.readyAt) {
      endpoint.weights = operation.weights;
      this.settle(endpoint, "InService");
    } else if (operation?.kind === "update") this.advanceUpdate(endpoint, operation, now);
  }

  private advanceUpdate(endpoint: Endpoint, update: Extract<Operation, { kind: "update" }>, now: number) {
    if (update.rollback) {
      if (now < update.rollback.doneAt) return;
      endpoint.failureReason = update.rollback.reason;
      this.settle(endpoint, "InService");
      return;
    }
    if (now < update.provisionedAt) return;
    if (update.failRollback) return this.failRollback(endpoint, update.config, update.failRollback);
    if (update.unhealthy) {
      update.rollback = { doneAt: now + this.timing.transitionMs, reason: update.unhealthy };
      return;
    }
    const firing = update.alarms.find((alarm) => this.alarms.get(alarm) === "ALARM");
    if (firing) {
      update.rollback = {
        doneAt: now + this.timing.transitionMs,
        reason: `Deployment rolled back: CloudWatch alarm ${firing} went into ALARM state while baking.`,
      };
      return;
    }
    if (now < update.bakedAt) return;
    endpoint.configName = update.config;
    endpoint.weights = this.weightsOf(update.config);
    this.settle(endpoint, "InService");
  }

  /** Both fleets keep serving: the variants of both configs, under the new config's name. */
  private failRollback(endpoint: Endpoint, newConfig: string, reason: string) {
    endpoint.weights = { ...endpoint.weights, ...this.weightsOf(newConfig) };
    endpoint.configName = newConfig;
    endpoint.failureReason = reason;
    this.settle(endpoint, "UpdateRollbackFailed");
  }

  private settle(endpoint: Endpoint, status: string) {
    endpoint.status = status;
    endpoint.operation = undefined;
  }
}
