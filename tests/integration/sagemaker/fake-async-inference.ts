import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, answerRuntimeError, invalid } from "@/tests/integration/sagemaker/fake-aws-error";
import type { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { scoreTransformInput } from "@/tests/integration/sagemaker/fake-transform-container";

type Body = Record<string, unknown>;
type AsyncConfig = {
  OutputConfig?: { S3OutputPath?: string; S3FailurePath?: string };
  ClientConfig?: { MaxConcurrentInvocationsPerInstance?: number };
};
/** What the stand-in SageMaker tells this one about an endpoint. */
export type AsyncEndpointView = {
  status: string;
  asyncConfig?: AsyncConfig;
  /** The model of its (one) production variant, as CreateModel stored it. */
  model?: Body;
  variants: string[];
};
type Queued = {
  endpointName: string;
  inferenceId: string;
  input: string;
  contentType: string;
  output: string;
  failure: string;
};
type ScalableTarget = { min: number; max: number; policies: Map<string, Body> };

const PATH = /^\/endpoints\/([^/]+)\/async-invocations$/;
const RESOURCE = /^endpoint\/([^/]+)\/variant\/([^/]+)$/;
const objectPath = (uri: string) => `/${uri.replace(/^s3:\/\//, "")}`;
const header = (request: IncomingMessage, name: string) => {
  const value = request.headers[name.toLowerCase()];
  return typeof value === "string" ? value : undefined;
};
const notFound = (message: string) => new ApiError("ObjectNotFoundException", message);

function assertRange(value: number | undefined, min: number, max: number, field: string) {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
    throw new ApiError("ValidationError", `${field} must be between ${min} and ${max} (got ${value})`);
}

/**
 * SageMaker asynchronous inference and Application Auto Scaling, as our model of their documented rules:
 * - `InvokeEndpointAsync` (REST JSON, `POST /endpoints/{name}/async-invocations`, answered 202 with the output and
 *   failure locations in headers) is accepted only by an InService endpoint whose config has an
 *   AsyncInferenceConfig, with an InputLocation that exists, InvocationTimeoutSeconds 1–3600 and RequestTTLSeconds
 *   60–21600; requests queue, and are worked on only while the endpoint has instances;
 * - each request is really scored (text/csv records through the variant's ONNX model, as the transform stand-in
 *   does) and its answer written to {S3OutputPath}/{uuid}.out, or its reason to {S3FailurePath}/{uuid}-error.out;
 * - `RegisterScalableTarget` (AWS JSON 1.1, `AnyScaleFrontendService`) takes only an existing endpoint variant, a
 *   MinCapacity of 0 only for an asynchronous endpoint, MinCapacity ≤ MaxCapacity; policies need a registered
 *   target (deregistering a target deletes its policies); deleting or deregistering what is not there is an
 *   ObjectNotFoundException.
 */
export class FakeAsyncInference {
  readonly queue: Queued[] = [];
  readonly targets = new Map<string, ScalableTarget>();
  private readonly instances = new Map<string, number>();
  private throttled = 0;
  private answersToLose = 0;
  private s3: FakeS3 | undefined;
  private working = Promise.resolve();

  constructor(private readonly endpointView: (name: string) => AsyncEndpointView | undefined) {}

  useS3(s3: FakeS3) {
    this.s3 = s3;
  }

  /** The next `times` InvokeEndpointAsync calls are throttled (429, nothing queued). */
  throttle(times: number) {
    this.throttled = times;
  }

  /** The next InvokeEndpointAsync is queued, but its answer is lost (HTTP 500). */
  loseNextAnswer() {
    this.answersToLose++;
  }

  /** Instances the endpoint runs now (Application Auto Scaling's decision, played by the test); default 1. */
  instancesOf(endpointName: string): number | undefined {
    return this.instances.get(endpointName);
  }

  /** Scales the endpoint as Application Auto Scaling would, within its registered target's bounds. */
  scale(endpointName: string, count: number) {
    const target = [...this.targets.entries()].find(([id]) => id.startsWith(`endpoint/${endpointName}/`))?.[1];
    if (target && (count < target.min || count > target.max))
      throw new Error(`${count} instances is outside the registered ${target.min}–${target.max}`);
    this.instances.set(endpointName, count);
    if (count > 0) this.drain(endpointName);
  }

  /** Requests queued for the endpoint and not yet answered (its ApproximateBacklogSize). */
  backlog(endpointName: string): number {
    return this.queue.filter((item) => item.endpointName === endpointName).length;
  }

  /** Resolves once every request that could be worked on has been. */
  idle(): Promise<void> {
    return this.working;
  }

  handles(url: string): boolean {
    return PATH.test(new URL(url, "http://sagemaker").pathname);
  }

  invoke(request: IncomingMessage, response: ServerResponse) {
    try {
      if (this.throttled > 0) {
        this.throttled--;
        throw new ApiError("ThrottlingException", "Rate exceeded", 429);
      }
      const endpointName = decodeURIComponent(PATH.exec(new URL(request.url ?? "", "http://x").pathname)?.[1] ?? "");
      const queued = this.accept(endpointName, request);
      if (this.answersToLose > 0) {
        this.answersToLose--;
        throw new ApiError("InternalFailure", "We lost the answer", 500);
      }
      response.statusCode = 202;
      response.setHeader("content-type", "application/json");
      response.setHeader("X-Amzn-SageMaker-OutputLocation", queued.output);
      response.setHeader("X-Amzn-SageMaker-FailureLocation", queued.failure);
      response.end(JSON.stringify({ InferenceId: queued.inferenceId }));
    } catch (error) {
      answerRuntimeError(response, error);
    }
  }

  /** Application Auto Scaling's operations. */
  answer(operation: string, body: Body): Body {
    switch (operation) {
      case "RegisterScalableTarget":
        return this.register(body);
      case "DescribeScalableTargets":
        return {
          ScalableTargets: [...this.targets.entries()].map(([ResourceId, target]) => ({
            ServiceNamespace: "sagemaker",
            ResourceId,
            ScalableDimension: "sagemaker:variant:DesiredInstanceCount",
            MinCapacity: target.min,
            MaxCapacity: target.max,
          })),
        };
      case "PutScalingPolicy":
        return this.putPolicy(body);
      case "DescribeScalingPolicies":
        return this.describePolicies(body);
      case "DeleteScalingPolicy": {
        const target = this.target(body);
        if (!target.policies.delete(String(body.PolicyName)))
          throw notFound(
            `No scaling policy found for service namespace: sagemaker, resource ID: ${String(body.ResourceId)}`,
          );
        return {};
      }
      case "DeregisterScalableTarget":
        this.target(body);
        this.targets.delete(String(body.ResourceId));
        return {};
      default:
        throw invalid(`The stand-in does not implement ${operation}`);
    }
  }

  /** SageMaker refuses to change the instance type of, or remove, a variant under auto scaling. */
  assertUpdatable(endpointName: string, liveTypes: Map<string, string>, nextTypes: Map<string, string>) {
    for (const id of this.targets.keys()) {
      const [, endpoint, variant] = RESOURCE.exec(id) ?? [];
      if (endpoint !== endpointName || !variant) continue;
      if (!nextTypes.has(variant) || nextTypes.get(variant) !== liveTypes.get(variant))
        throw invalid(
          `The variant ${variant} of endpoint ${endpointName} is registered with Application Auto Scaling; deregister it before changing its instance type or removing it.`,
        );
    }
  }

  /** A new fleet (UpdateEndpoint) starts at its config's InitialInstanceCount, whatever the old one ran. */
  newFleet(endpointName: string) {
    this.instances.delete(endpointName);
  }

  /** SageMaker deregisters an endpoint's scalable targets when the endpoint is deleted. */
  forget(endpointName: string) {
    for (const id of [...this.targets.keys()]) if (id.startsWith(`endpoint/${endpointName}/`)) this.targets.delete(id);
    this.instances.delete(endpointName);
  }

  private accept(endpointName: string, request: IncomingMessage): Queued {
    const endpoint = this.endpointView(endpointName);
    if (!endpoint) throw new ApiError("ValidationError", `Endpoint ${endpointName} of account 123456789012 not found.`);
    if (!endpoint.asyncConfig)
      throw new ApiError(
        "ValidationError",
        `Endpoint ${endpointName} is not an asynchronous inference endpoint; call InvokeEndpoint instead.`,
      );
    if (endpoint.status !== "InService" && endpoint.status !== "Updating")
      throw new ApiError("ValidationError", `Endpoint ${endpointName} is ${endpoint.status}.`);
    const input = header(request, "X-Amzn-SageMaker-InputLocation");
    if (!input) throw new ApiError("ValidationError", "InputLocation is required.");
    if (!this.s3?.objects.has(objectPath(input)))
      throw new ApiError("ValidationError", `Could not read the input from ${input}: the object does not exist.`);
    const timeout = header(request, "X-Amzn-SageMaker-InvocationTimeoutSeconds");
    const ttl = header(request, "X-Amzn-SageMaker-RequestTTLSeconds");
    assertRange(timeout === undefined ? undefined : Number(timeout), 1, 3600, "InvocationTimeoutSeconds");
    assertRange(ttl === undefined ? undefined : Number(ttl), 60, 21_600, "RequestTTLSeconds");
    const inferenceId = header(request, "X-Amzn-SageMaker-Inference-Id") ?? randomUUID();
    if (inferenceId.length > 64) throw new ApiError("ValidationError", "InferenceId has at most 64 characters.");
    const uuid = randomUUID();
    const queued: Queued = {
      endpointName,
      inferenceId,
      input,
      contentType: header(request, "X-Amzn-SageMaker-Content-Type") ?? "application/octet-stream",
      output: `${endpoint.asyncConfig.OutputConfig?.S3OutputPath ?? ""}/${uuid}.out`,
      failure: `${endpoint.asyncConfig.OutputConfig?.S3FailurePath ?? ""}/${uuid}-error.out`,
    };
    this.queue.push(queued);
    this.drain(endpointName);
    return queued;
  }

  /** Works the endpoint's queue in order, one request after another, while it has instances. */
  private drain(endpointName: string) {
    if ((this.instances.get(endpointName) ?? 1) === 0) return;
    this.working = this.working.then(async () => {
      for (;;) {
        const index = this.queue.findIndex((item) => item.endpointName === endpointName);
        const item = this.queue[index];
        if (!item || (this.instances.get(endpointName) ?? 1) === 0) return;
        this.queue.splice(index, 1);
        await this.score(item);
      }
    });
  }

  private async score(item: Queued) {
    const s3 = this.s3;
    const model = this.endpointView(item.endpointName)?.model;
    if (!s3) throw new Error("useS3 first");
    const outcome = model
      ? await scoreTransformInput(
          {
            TransformInput: {
              DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: item.input } },
              ContentType: item.contentType,
              SplitType: "Line",
            },
            BatchStrategy: "MultiRecord",
            MaxPayloadInMB: 0,
            TransformOutput: { S3OutputPath: "s3://stand-in/async-scratch" },
          },
          model,
          s3,
        )
      : ({ ok: false, reason: "ClientError: the endpoint has no model" } as const);
    if (outcome.ok) {
      const [body] = [...outcome.outputs.values()];
      s3.objects.set(objectPath(item.output), { body: body ?? Buffer.alloc(0), headers: {} });
    } else s3.objects.set(objectPath(item.failure), { body: Buffer.from(outcome.reason), headers: {} });
  }

  private register(body: Body): Body {
    const id = String(body.ResourceId ?? "");
    const [, endpointName, variant] = RESOURCE.exec(id) ?? [];
    const endpoint = endpointName ? this.endpointView(endpointName) : undefined;
    if (body.ServiceNamespace !== "sagemaker" || body.ScalableDimension !== "sagemaker:variant:DesiredInstanceCount")
      throw invalid("Only sagemaker:variant:DesiredInstanceCount is modelled by the stand-in");
    if (!endpoint || !variant || !endpoint.variants.includes(variant))
      throw invalid(`Unsupported resource ${id}: no such endpoint variant`);
    const min = Number(body.MinCapacity);
    const max = Number(body.MaxCapacity);
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min)
      throw invalid(`MinCapacity ${min} and MaxCapacity ${max} must be integers with 0 ≤ MinCapacity ≤ MaxCapacity`);
    if (min === 0 && !endpoint.asyncConfig)
      throw invalid(
        "A MinCapacity of 0 is supported only for asynchronous inference endpoints (and inference components).",
      );
    const existing = this.targets.get(id);
    this.targets.set(id, { min, max, policies: existing?.policies ?? new Map() });
    return { ScalableTargetARN: `arn:aws:application-autoscaling:eu-west-1:123456789012:scalable-target/${id}` };
  }

  private target(body: Body): ScalableTarget {
    const target = this.targets.get(String(body.ResourceId ?? ""));
    if (!target) throw notFound(`No scalable target registered for ${String(body.ResourceId)}`);
    return target;
  }

  /** Filtered by namespace, resource and policy names, as the API does; the stand-in answers in one page. */
  private describePolicies(body: Body): Body {
    const names = Array.isArray(body.PolicyNames) ? (body.PolicyNames as string[]) : undefined;
    const resource = typeof body.ResourceId === "string" ? body.ResourceId : undefined;
    const policies = [...this.targets.entries()].flatMap(([ResourceId, target]) =>
      [...target.policies.entries()]
        .filter(([name]) => (!names || names.includes(name)) && (!resource || resource === ResourceId))
        .map(([PolicyName, policy]) => ({ ...policy, PolicyName, ResourceId, PolicyARN: `arn:policy/${PolicyName}` })),
    );
    return { ScalingPolicies: policies };
  }

  private putPolicy(body: Body): Body {
    const target = this.target(body);
    const name = String(body.PolicyName ?? "");
    if (body.PolicyType === "TargetTrackingScaling" && !body.TargetTrackingScalingPolicyConfiguration)
      throw invalid("TargetTrackingScalingPolicyConfiguration is required for TargetTrackingScaling");
    if (body.PolicyType === "StepScaling" && !body.StepScalingPolicyConfiguration)
      throw invalid("StepScalingPolicyConfiguration is required for StepScaling");
    target.policies.set(name, body);
    return {
      PolicyARN: `arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:${randomUUID()}:resource/sagemaker/${String(body.ResourceId)}:policyName/${name}`,
    };
  }
}
