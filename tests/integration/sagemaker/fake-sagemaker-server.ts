import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

type Body = Record<string, unknown>;
type Tag = { Key: string; Value: string };
type Variant = { VariantName: string; InitialVariantWeight: number; InitialInstanceCount: number };
type Endpoint = {
  arn: string;
  status: string;
  configName: string;
  pendingConfig?: string;
  failureReason?: string;
  weights: Record<string, number>;
  pendingWeights?: Record<string, number>;
  /** DescribeEndpoint calls left before the current transition completes. */
  ticks: number;
};

export type RecordedRequest = { operation: string; body: Body; authorization: string };

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const TRANSITION_TICKS = 2;

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const LABELS: Record<string, string> = {
  model: "model",
  "endpoint-config": "endpoint configuration",
  endpoint: "endpoint",
};
const arnOf = (kind: string, name: string) => `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${kind}/${name}`;
const text = (body: Body, key: string) => String(body[key] ?? "");
const variantsOf = (body: Body) =>
  Array.isArray(body.ProductionVariants) ? (body.ProductionVariants as Variant[]) : [];
const tagsOf = (body: Body) => (Array.isArray(body.Tags) ? (body.Tags as Tag[]) : []);

/**
 * A small SageMaker control plane speaking the real wire protocol (AWS JSON 1.1, `X-Amz-Target: SageMaker.<Op>`,
 * `__type` errors), so the real SDK client is exercised end to end: endpoint override, SigV4 signing, serialization and
 * error parsing. Endpoints move Creating/Updating → InService after a couple of DescribeEndpoint calls; a scripted
 * update failure rolls back to the old config the way SageMaker does.
 */
export class FakeSageMaker {
  readonly requests: RecordedRequest[] = [];
  private readonly models = new Map<string, Body>();
  private readonly configs = new Map<string, Body>();
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly tags = new Map<string, Tag[]>();
  private readonly throttles = new Map<string, number>();
  private nextUpdateFailure: string | undefined;
  private server: Server | undefined;

  /** `journal` is shared with other fakes (e.g. S3) to check the order of calls across services. */
  constructor(private readonly journal: string[] = []) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  throttle(operation: string, times: number) {
    this.throttles.set(operation, times);
  }

  /** The next blue/green update trips an alarm and SageMaker rolls back to the old config. */
  failNextUpdate(reason: string) {
    this.nextUpdateFailure = reason;
  }

  operations(): string[] {
    return this.requests.map((request) => request.operation);
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
    const operation = String(request.headers["x-amz-target"] ?? "").replace(/^SageMaker\./, "");
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Body;
    this.requests.push({ operation, body, authorization: String(request.headers.authorization ?? "") });
    this.journal.push(`SageMaker.${operation}`);
    response.setHeader("content-type", "application/x-amz-json-1.1");
    try {
      const result = this.dispatch(operation, body);
      response.statusCode = 200;
      response.end(JSON.stringify(result));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      response.statusCode = 400;
      response.end(JSON.stringify({ __type: `com.amazon.coral.validate#${error.type}`, Message: error.message }));
    }
  }

  private dispatch(operation: string, body: Body): Body {
    const throttled = this.throttles.get(operation) ?? 0;
    if (throttled > 0) {
      this.throttles.set(operation, throttled - 1);
      throw new ApiError("ThrottlingException", "Rate exceeded");
    }
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
    if (store.has(name))
      throw new ApiError(
        "ValidationException",
        `Cannot create already existing ${LABELS[kind]} "${arnOf(kind, name)}".`,
      );
    store.set(name, body);
    this.addTags(arnOf(kind, name), tagsOf(body));
    return kind === "model" ? { ModelArn: arnOf(kind, name) } : { EndpointConfigArn: arnOf(kind, name) };
  }

  private find(store: Map<string, Body>, kind: string, name: string): Body {
    const found = store.get(name);
    if (!found) throw new ApiError("ValidationException", `Could not find ${LABELS[kind]} "${arnOf(kind, name)}".`);
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
    if (!endpoint) throw new ApiError("ValidationException", `Could not find endpoint "${arnOf("endpoint", name)}".`);
    return endpoint;
  }

  private weightsOf(configName: string): Record<string, number> {
    return Object.fromEntries(
      variantsOf(this.find(this.configs, "endpoint-config", configName)).map((variant) => [
        variant.VariantName,
        variant.InitialVariantWeight,
      ]),
    );
  }

  private createEndpoint(body: Body): Body {
    const name = text(body, "EndpointName");
    if (this.endpoints.has(name))
      throw new ApiError(
        "ValidationException",
        `Cannot create already existing endpoint "${arnOf("endpoint", name)}".`,
      );
    const configName = text(body, "EndpointConfigName");
    this.endpoints.set(name, {
      arn: arnOf("endpoint", name),
      status: "Creating",
      configName,
      weights: this.weightsOf(configName),
      ticks: TRANSITION_TICKS,
    });
    this.addTags(arnOf("endpoint", name), tagsOf(body));
    return { EndpointArn: arnOf("endpoint", name) };
  }

  private updateEndpoint(body: Body): Body {
    const endpoint = this.endpoint(text(body, "EndpointName"));
    if (endpoint.status !== "InService")
      throw new ApiError("ValidationException", `Cannot update in-progress endpoint "${endpoint.arn}".`);
    endpoint.pendingConfig = text(body, "EndpointConfigName");
    this.find(this.configs, "endpoint-config", endpoint.pendingConfig);
    endpoint.status = "Updating";
    endpoint.ticks = TRANSITION_TICKS;
    return { EndpointArn: endpoint.arn };
  }

  private updateWeights(body: Body): Body {
    const endpoint = this.endpoint(text(body, "EndpointName"));
    if (endpoint.status !== "InService")
      throw new ApiError("ValidationException", `Cannot update in-progress endpoint "${endpoint.arn}".`);
    const desired = Array.isArray(body.DesiredWeightsAndCapacities)
      ? (body.DesiredWeightsAndCapacities as { VariantName: string; DesiredWeight: number }[])
      : [];
    endpoint.pendingWeights = {
      ...endpoint.weights,
      ...Object.fromEntries(desired.map((item) => [item.VariantName, item.DesiredWeight])),
    };
    endpoint.status = "Updating";
    endpoint.ticks = 1;
    return { EndpointArn: endpoint.arn };
  }

  private deleteEndpoint(name: string): Body {
    const endpoint = this.endpoint(name);
    endpoint.status = "Deleting";
    endpoint.ticks = 1;
    return {};
  }

  private describeEndpoint(name: string): Body {
    const endpoint = this.endpoint(name);
    this.advance(name, endpoint);
    if (!this.endpoints.has(name))
      throw new ApiError("ValidationException", `Could not find endpoint "${endpoint.arn}".`);
    return {
      EndpointName: name,
      EndpointArn: endpoint.arn,
      EndpointConfigName: endpoint.configName,
      EndpointStatus: endpoint.status,
      ...(endpoint.failureReason && { FailureReason: endpoint.failureReason }),
      ...(endpoint.pendingConfig && { PendingDeploymentSummary: { EndpointConfigName: endpoint.pendingConfig } }),
      CreationTime: 0,
      LastModifiedTime: 0,
      ProductionVariants: Object.entries(endpoint.weights).map(([VariantName, weight]) => ({
        VariantName,
        CurrentWeight: weight,
        DesiredWeight: endpoint.pendingWeights?.[VariantName] ?? weight,
        CurrentInstanceCount: endpoint.status === "Creating" ? 0 : 1,
        DesiredInstanceCount: 1,
      })),
    };
  }

  private advance(name: string, endpoint: Endpoint) {
    if (endpoint.ticks > 0) {
      endpoint.ticks--;
      return;
    }
    if (endpoint.status === "Deleting") {
      this.endpoints.delete(name);
      return;
    }
    if (endpoint.status === "Creating") endpoint.status = "InService";
    if (endpoint.status === "RollingBack") {
      endpoint.status = "InService";
      endpoint.pendingConfig = undefined;
    }
    if (endpoint.status !== "Updating") return;
    if (endpoint.pendingWeights) {
      endpoint.weights = endpoint.pendingWeights;
      endpoint.pendingWeights = undefined;
      endpoint.status = "InService";
      return;
    }
    if (this.nextUpdateFailure) {
      endpoint.failureReason = this.nextUpdateFailure;
      this.nextUpdateFailure = undefined;
      endpoint.status = "RollingBack";
      endpoint.ticks = 1;
      return;
    }
    endpoint.configName = endpoint.pendingConfig ?? endpoint.configName;
    endpoint.weights = this.weightsOf(endpoint.configName);
    endpoint.pendingConfig = undefined;
    endpoint.status = "InService";
  }
}
