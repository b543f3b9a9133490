import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateTransformJobCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeTransformJobCommand,
  ListEndpointConfigsCommand,
  ListModelsCommand,
  ListTagsCommand,
  StopTransformJobCommand,
  UpdateEndpointCommand,
  UpdateEndpointWeightsAndCapacitiesCommand,
  type CreateEndpointCommandInput,
  type CreateEndpointConfigCommandInput,
  type CreateModelCommandInput,
  type CreateTransformJobCommandInput,
  type DescribeEndpointCommandOutput,
  type DescribeTransformJobCommandOutput,
  type SageMakerClient,
  type Tag,
  type UpdateEndpointCommandInput,
  type UpdateEndpointWeightsAndCapacitiesCommandInput,
} from "@aws-sdk/client-sagemaker";
import { isNotFound } from "@/server/integrations/sagemaker/errors";
import { callWithRetry, sendWriteOnce, type RetryPolicy } from "@/server/integrations/sagemaker/retry";

export type NamedResource = { name: string; arn: string };

/** The SageMaker calls the target makes, each retried on throttling and named in its errors. */
export class SageMakerApi {
  constructor(
    private readonly client: SageMakerClient,
    private readonly retry: RetryPolicy,
  ) {}

  private call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    return callWithRetry(operation, this.retry, send);
  }

  /** Undefined when the endpoint does not exist. */
  async describeEndpoint(EndpointName: string): Promise<DescribeEndpointCommandOutput | undefined> {
    try {
      return await this.call("DescribeEndpoint", () => this.client.send(new DescribeEndpointCommand({ EndpointName })));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  describeEndpointConfig(EndpointConfigName: string) {
    return this.call("DescribeEndpointConfig", () =>
      this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName })),
    );
  }

  describeModel(ModelName: string) {
    return this.call("DescribeModel", () => this.client.send(new DescribeModelCommand({ ModelName })));
  }

  createModel(input: CreateModelCommandInput) {
    return this.call("CreateModel", () => this.client.send(new CreateModelCommand(input)));
  }

  createEndpointConfig(input: CreateEndpointConfigCommandInput) {
    return this.call("CreateEndpointConfig", () => this.client.send(new CreateEndpointConfigCommand(input)));
  }

  createEndpoint(input: CreateEndpointCommandInput) {
    return this.call("CreateEndpoint", () => this.client.send(new CreateEndpointCommand(input)));
  }

  /** `tookEffect` re-describes before a resend (see sendWriteOnce). */
  updateEndpoint(input: UpdateEndpointCommandInput, tookEffect: () => Promise<boolean>) {
    return sendWriteOnce(
      "UpdateEndpoint",
      this.retry,
      () => this.client.send(new UpdateEndpointCommand(input)),
      tookEffect,
    );
  }

  updateWeights(input: UpdateEndpointWeightsAndCapacitiesCommandInput, tookEffect: () => Promise<boolean>) {
    return sendWriteOnce(
      "UpdateEndpointWeightsAndCapacities",
      this.retry,
      () => this.client.send(new UpdateEndpointWeightsAndCapacitiesCommand(input)),
      tookEffect,
    );
  }

  deleteEndpoint(EndpointName: string) {
    return this.call("DeleteEndpoint", () => this.client.send(new DeleteEndpointCommand({ EndpointName })));
  }

  deleteEndpointConfig(EndpointConfigName: string) {
    return this.call("DeleteEndpointConfig", () =>
      this.client.send(new DeleteEndpointConfigCommand({ EndpointConfigName })),
    );
  }

  deleteModel(ModelName: string) {
    return this.call("DeleteModel", () => this.client.send(new DeleteModelCommand({ ModelName })));
  }

  /** Undefined when no transform job has that name. */
  async describeTransformJob(TransformJobName: string): Promise<DescribeTransformJobCommandOutput | undefined> {
    try {
      return await this.call("DescribeTransformJob", () =>
        this.client.send(new DescribeTransformJobCommand({ TransformJobName })),
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** `tookEffect` re-describes before a resend, so a request whose answer was lost does not meet its own job. */
  createTransformJob(input: CreateTransformJobCommandInput, tookEffect: () => Promise<boolean>) {
    return sendWriteOnce(
      "CreateTransformJob",
      this.retry,
      () => this.client.send(new CreateTransformJobCommand(input)),
      tookEffect,
    );
  }

  stopTransformJob(TransformJobName: string, tookEffect: () => Promise<boolean>) {
    return sendWriteOnce(
      "StopTransformJob",
      this.retry,
      () => this.client.send(new StopTransformJobCommand({ TransformJobName })),
      tookEffect,
    );
  }

  async listTags(ResourceArn: string): Promise<Tag[]> {
    const tags: Tag[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call("ListTags", () => this.client.send(new ListTagsCommand({ ResourceArn, NextToken })));
      tags.push(...(page.Tags ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    return tags;
  }

  addTags(ResourceArn: string, Tags: Tag[]) {
    return this.call("AddTags", () => this.client.send(new AddTagsCommand({ ResourceArn, Tags })));
  }

  async listEndpointConfigs(NameContains: string): Promise<NamedResource[]> {
    const found: NamedResource[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call("ListEndpointConfigs", () =>
        this.client.send(new ListEndpointConfigsCommand({ NameContains, NextToken })),
      );
      for (const config of page.EndpointConfigs ?? [])
        found.push({ name: config.EndpointConfigName ?? "", arn: config.EndpointConfigArn ?? "" });
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  }

  async listModels(NameContains: string): Promise<NamedResource[]> {
    const found: NamedResource[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call("ListModels", () =>
        this.client.send(new ListModelsCommand({ NameContains, NextToken })),
      );
      for (const model of page.Models ?? []) found.push({ name: model.ModelName ?? "", arn: model.ModelArn ?? "" });
      NextToken = page.NextToken;
    } while (NextToken);
    return found;
  }
}
