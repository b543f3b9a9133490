import { TRAFFIC_SHIFTING } from "@/server/integrations/targets/traffic-shifting";
import type { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient, type DescribeEndpointCommandOutput } from "@aws-sdk/client-sagemaker";
import { conflict, notFound } from "@/server/errors";
import type {
  DeploymentTarget,
  EndpointSpec,
  EndpointState,
  RolloutStrategy,
  VariantSizing,
  VariantSpec,
} from "@/server/integrations/targets/deployment-target";
import { versionVariantName } from "@/server/integrations/targets/variant-name";
import { SageMakerApi } from "@/server/integrations/sagemaker/api";
import { deleteCreatedResources } from "@/server/integrations/sagemaker/cleanup";
import {
  parseSageMakerConfig,
  sageMakerConfigFromEnv,
  type SageMakerConfig,
  type SageMakerConfigInput,
} from "@/server/integrations/sagemaker/config";
import { desiredEndpoint, type DesiredEndpoint } from "@/server/integrations/sagemaker/desired-endpoint";
import { differsOnlyInWeights, isSameEndpointConfig } from "@/server/integrations/sagemaker/endpoint-config";
import {
  absentState,
  isTerminal,
  settledOutcome,
  toEndpointState,
} from "@/server/integrations/sagemaker/endpoint-state";
import { isAlreadyExists, isNotFound } from "@/server/integrations/sagemaker/errors";
import { ModelArtifacts, createS3Client, type ArtifactSource } from "@/server/integrations/sagemaker/model-artifacts";
import { isSameModel } from "@/server/integrations/sagemaker/model-definition";
import { TAG_ENDPOINT, TAG_EXPECTED_CONFIG } from "@/server/integrations/sagemaker/names";
import { assertRolloutFits, deploymentConfigFor } from "@/server/integrations/sagemaker/rollout";
import { assertValidWeights } from "@/server/integrations/sagemaker/spec";
import { abortReason, sleep } from "@/server/integrations/sagemaker/timing";
import { weightsMatch } from "@/server/integrations/sagemaker/weights";

const DEFAULT_POLL_MS = 15_000;
const POLL_GROWTH = 1.5;
const MAX_POLL_FACTOR = 4;

/** The real SageMaker client for a config; retries are ours (callWithRetry), so the SDK's own are turned off. */
export function createSageMakerClient(config: SageMakerConfig): SageMakerClient {
  return new SageMakerClient({
    region: config.region,
    maxAttempts: 1,
    ...(config.endpointUrl && { endpoint: config.endpointUrl }),
  });
}

/** Clients default to the real ones built from the config; `artifacts` reads registry artifacts to upload to S3. */
export type SageMakerTargetOptions = { sagemaker?: SageMakerClient; s3?: S3Client; artifacts?: ArtifactSource };

/**
 * Serves model versions on Amazon SageMaker real-time endpoints. Every resource name is derived from content, so a
 * retried job finds what an earlier attempt created instead of creating it twice.
 */
export class SageMakerTarget implements DeploymentTarget {
  readonly kind = "sagemaker" as const;
  readonly trafficShifting = TRAFFIC_SHIFTING.SAGEMAKER;
  readonly config: SageMakerConfig;
  private readonly api: SageMakerApi;
  private readonly modelArtifacts: ModelArtifacts;

  constructor(config: SageMakerConfig | SageMakerConfigInput, options: SageMakerTargetOptions = {}) {
    this.config = parseSageMakerConfig(config);
    this.api = new SageMakerApi(options.sagemaker ?? createSageMakerClient(this.config), this.config.retry);
    this.modelArtifacts = new ModelArtifacts(options.s3 ?? createS3Client(this.config), options.artifacts, this.config);
  }

  get settleTimeoutMs() {
    return 120_000;
  }

  variantName(modelName: string, version: number) {
    return versionVariantName(modelName, version);
  }

  static fromEnv(
    options: Pick<SageMakerTargetOptions, "artifacts"> = {},
    environment?: Record<string, string | undefined>,
  ): SageMakerTarget {
    return new SageMakerTarget(sageMakerConfigFromEnv(environment), options);
  }

  sizing(variant: VariantSpec): VariantSizing {
    return {
      instanceType: variant.instanceType ?? this.config.defaultInstanceType,
      instanceCount: variant.instanceCount ?? this.config.defaultInstanceCount,
    };
  }

  async apply(spec: EndpointSpec, options: { rollout?: RolloutStrategy } = {}): Promise<EndpointState> {
    const rollout = options.rollout ?? { kind: "all-at-once" };
    const desired = desiredEndpoint(spec, this.config);
    const live = await this.api.describeEndpoint(spec.endpointName);
    if (!live) {
      const created = await this.createEndpoint(spec.endpointName, desired);
      if (created) return this.describe(spec.endpointName);
    }
    const current = live ?? (await this.api.describeEndpoint(spec.endpointName));
    if (!current)
      throw conflict(`SageMaker endpoint ${spec.endpointName} vanished while it was being created; apply again`);
    return this.applyToExisting(current, desired, rollout);
  }

  async setWeights(endpointName: string, weights: Record<string, number>): Promise<EndpointState> {
    assertValidWeights(weights);
    const live = await this.api.describeEndpoint(endpointName);
    if (!live) throw notFound(`SageMaker endpoint ${endpointName}`);
    const known = (live.ProductionVariants ?? []).map((variant) => variant.VariantName ?? "");
    const unknown = Object.keys(weights).filter((name) => !known.includes(name));
    if (unknown.length > 0)
      throw conflict(`Endpoint ${endpointName} has no variant ${unknown.join(", ")} (it has ${known.join(", ")})`);
    if (weightsMatch(live, weights)) return toEndpointState(endpointName, live);
    this.assertSettledForChange(live);
    await this.api.updateWeights({
      EndpointName: endpointName,
      DesiredWeightsAndCapacities: Object.entries(weights).map(([VariantName, DesiredWeight]) => ({
        VariantName,
        DesiredWeight,
      })),
    });
    return this.describe(endpointName);
  }

  async describe(endpointName: string): Promise<EndpointState> {
    return toEndpointState(endpointName, await this.api.describeEndpoint(endpointName));
  }

  async waitUntilSettled(
    endpointName: string,
    options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal },
  ): Promise<EndpointState> {
    const { signal } = options;
    const basePoll = options.pollMs ?? DEFAULT_POLL_MS;
    const deadline = Date.now() + options.timeoutMs;
    for (let delay = basePoll; ; delay = Math.min(delay * POLL_GROWTH, basePoll * MAX_POLL_FACTOR)) {
      if (signal?.aborted) throw abortReason(signal);
      const live = await this.api.describeEndpoint(endpointName);
      if (!live) return absentState(endpointName);
      if (isTerminal(live)) return settledOutcome(endpointName, live, await this.expectedConfig(live));
      const remaining = deadline - Date.now();
      if (remaining <= 0) return toEndpointState(endpointName, live);
      await sleep(Math.min(delay, remaining), signal);
    }
  }

  async delete(endpointName: string): Promise<void> {
    const live = await this.api.describeEndpoint(endpointName);
    if (live && live.EndpointStatus !== "Deleting") await this.api.deleteEndpoint(endpointName).catch(ignoreNotFound);
    if (live) await this.waitUntilGone(endpointName);
    await deleteCreatedResources(this.api, endpointName);
  }

  /** False when someone else created the endpoint between our describe and create (the caller then updates it). */
  private async createEndpoint(endpointName: string, desired: DesiredEndpoint): Promise<boolean> {
    await this.ensureModels(desired);
    await this.ensureEndpointConfig(desired);
    try {
      await this.api.createEndpoint({
        EndpointName: endpointName,
        EndpointConfigName: desired.configName,
        Tags: [
          { Key: TAG_ENDPOINT, Value: endpointName },
          { Key: TAG_EXPECTED_CONFIG, Value: desired.configName },
        ],
      });
      return true;
    } catch (error) {
      if (isAlreadyExists(error)) return false;
      throw error;
    }
  }

  private async applyToExisting(
    live: DescribeEndpointCommandOutput,
    desired: DesiredEndpoint,
    rollout: RolloutStrategy,
  ): Promise<EndpointState> {
    const endpointName = live.EndpointName ?? "";
    const liveConfig = await this.liveEndpointConfig(live);
    const onlyWeights = differsOnlyInWeights(desired.variants, liveConfig?.ProductionVariants);
    const desiredWeights = Object.fromEntries(
      desired.variants.map((variant) => [variant.VariantName, variant.InitialVariantWeight]),
    );

    const pendingConfig = live.PendingDeploymentSummary?.EndpointConfigName;
    const alreadyServing =
      onlyWeights &&
      weightsMatch(live, desiredWeights) &&
      (pendingConfig === undefined || pendingConfig === live.EndpointConfigName);
    if (alreadyServing || isInFlightTo(live, desired.configName)) {
      if (live.EndpointStatus === "InService")
        await this.tagExpectedConfig(live, live.EndpointConfigName ?? desired.configName);
      return toEndpointState(endpointName, live);
    }
    this.assertSettledForChange(live);

    if (onlyWeights) {
      await this.tagExpectedConfig(live, live.EndpointConfigName ?? "");
      await this.api.updateWeights({
        EndpointName: endpointName,
        DesiredWeightsAndCapacities: desired.variants.map((variant) => ({
          VariantName: variant.VariantName,
          DesiredWeight: variant.InitialVariantWeight,
        })),
      });
      return this.describe(endpointName);
    }

    const liveNames = (live.ProductionVariants ?? []).map((variant) => variant.VariantName ?? "");
    assertRolloutFits(
      rollout,
      liveNames,
      desired.variants.map((variant) => variant.VariantName),
    );
    const DeploymentConfig = deploymentConfigFor(rollout, this.config);
    await this.ensureModels(desired);
    await this.ensureEndpointConfig(desired);
    await this.tagExpectedConfig(live, desired.configName);
    await this.api.updateEndpoint({
      EndpointName: endpointName,
      EndpointConfigName: desired.configName,
      DeploymentConfig,
      RetainAllVariantProperties: false,
    });
    return this.describe(endpointName);
  }

  /** UpdateEndpoint and weight changes are refused while SageMaker is working on the endpoint, or after it failed. */
  private assertSettledForChange(live: DescribeEndpointCommandOutput) {
    const name = live.EndpointName ?? "";
    if (live.EndpointStatus === "InService") return;
    if (
      live.EndpointStatus === "Failed" ||
      live.EndpointStatus === "UpdateRollbackFailed" ||
      live.EndpointStatus === "OutOfService"
    ) {
      throw conflict(
        `SageMaker endpoint ${name} is ${live.EndpointStatus}${live.FailureReason ? ` (${live.FailureReason})` : ""}; delete it before applying again`,
      );
    }
    throw conflict(
      `SageMaker endpoint ${name} is ${live.EndpointStatus ?? "busy"}; wait until it settles before changing it`,
    );
  }

  /** Every model's bytes are on S3 before CreateModel points at them. */
  private async ensureModels(desired: DesiredEndpoint) {
    for (const artifact of desired.artifacts) await this.modelArtifacts.ensureUploaded(artifact);
    for (const model of desired.models) {
      try {
        await this.api.createModel(model);
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        if (!isSameModel(model, await this.api.describeModel(model.ModelName))) {
          throw conflict(
            `A different SageMaker model named ${model.ModelName} already exists; delete it or rename the variant`,
          );
        }
      }
    }
  }

  private async ensureEndpointConfig(desired: DesiredEndpoint) {
    try {
      await this.api.createEndpointConfig(desired.configInput);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      if (!isSameEndpointConfig(desired.variants, await this.api.describeEndpointConfig(desired.configName))) {
        throw conflict(
          `A different SageMaker endpoint config named ${desired.configName} already exists; delete it and apply again`,
        );
      }
    }
  }

  /** Undefined when the config was deleted behind our back: then nothing can be reused and a full update follows. */
  private async liveEndpointConfig(live: DescribeEndpointCommandOutput) {
    if (!live.EndpointConfigName) return undefined;
    try {
      return await this.api.describeEndpointConfig(live.EndpointConfigName);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private async expectedConfig(live: DescribeEndpointCommandOutput): Promise<string | undefined> {
    if (!live.EndpointArn) return undefined;
    const tags = await this.api.listTags(live.EndpointArn);
    return tags.find((tag) => tag.Key === TAG_EXPECTED_CONFIG)?.Value;
  }

  /** Recorded before the update starts, so a later wait (even in another process) can tell a rollback from success. */
  private async tagExpectedConfig(live: DescribeEndpointCommandOutput, configName: string) {
    if (!live.EndpointArn || (await this.expectedConfig(live)) === configName) return;
    await this.api.addTags(live.EndpointArn, [{ Key: TAG_EXPECTED_CONFIG, Value: configName }]);
  }

  private async waitUntilGone(endpointName: string) {
    const deadline = Date.now() + this.config.deleteTimeoutSeconds * 1000;
    while (await this.api.describeEndpoint(endpointName)) {
      if (Date.now() >= deadline) {
        throw new Error(
          `SageMaker is still deleting endpoint ${endpointName} after ${this.config.deleteTimeoutSeconds} s; delete again later`,
        );
      }
      await sleep(this.config.deletePollMs);
    }
  }
}

function ignoreNotFound(error: unknown): void {
  if (!isNotFound(error)) throw error;
}

/** A retry of an apply whose create or blue/green update SageMaker is still carrying out. */
function isInFlightTo(live: DescribeEndpointCommandOutput, configName: string): boolean {
  if (live.EndpointStatus === "Creating") return live.EndpointConfigName === configName;
  return live.EndpointStatus !== "InService" && live.PendingDeploymentSummary?.EndpointConfigName === configName;
}
