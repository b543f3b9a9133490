import type { ApplicationAutoScalingClient } from "@aws-sdk/client-application-auto-scaling";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { AsyncScalingApi, createAutoScalingClient } from "@/server/integrations/sagemaker/async-scaling";
import { createCloudWatchClient } from "@/server/integrations/sagemaker/cloudwatch-metrics";
import { CloudWatchGuardrails } from "@/server/integrations/sagemaker/cloudwatch-guardrails";
import type { GuardrailSource } from "@/server/integrations/targets/guardrail-source";
import type { S3Client } from "@aws-sdk/client-s3";
import {
  SageMakerClient,
  type DeploymentConfig,
  type DescribeEndpointCommandOutput,
  type DescribeEndpointConfigCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { conflict, notFound } from "@/server/errors";
import type {
  DeploymentTarget,
  EndpointSpec,
  EndpointState,
  RolloutStrategy,
  VariantSizing,
  VariantSpec,
} from "@/server/integrations/targets/deployment-target";
import type { InstanceCountSource, LiveVariantInstances } from "@/server/integrations/targets/instance-counts";
import { TRAFFIC_SHIFTING } from "@/server/integrations/targets/traffic-shifting";
import { SageMakerApi } from "@/server/integrations/sagemaker/api";
import { deleteCreatedResources } from "@/server/integrations/sagemaker/cleanup";
import {
  parseSageMakerConfig,
  sageMakerConfigFromEnv,
  type SageMakerConfig,
  type SageMakerConfigInput,
} from "@/server/integrations/sagemaker/config";
import { ensureModel } from "@/server/integrations/sagemaker/ensure-model";
import { desiredEndpoint, type DesiredEndpoint } from "@/server/integrations/sagemaker/desired-endpoint";
import {
  differsOnlyInWeights,
  isSameDataCapture,
  isSameEndpointConfig,
} from "@/server/integrations/sagemaker/endpoint-config";
import { pollUntilSettled, type PollOptions } from "@/server/integrations/sagemaker/endpoint-polling";
import {
  absentState,
  isInFlightTo,
  isInProgress,
  isServingOrHeadingFor,
  settledOutcome,
  toEndpointState,
  withFailure,
} from "@/server/integrations/sagemaker/endpoint-state";
import { readEndpointRecord, writeEndpointRecord } from "@/server/integrations/sagemaker/endpoint-tags";
import { PermanentTargetError, isAlreadyExists, isNotFound } from "@/server/integrations/sagemaker/errors";
import { ModelArtifacts, createS3Client, type ArtifactSource } from "@/server/integrations/sagemaker/model-artifacts";
import { TAG_ENDPOINT, TAG_EXPECTED_CONFIG } from "@/server/integrations/sagemaker/names";
import {
  assertRolloutFits,
  releaseDeploymentConfig,
  restoreDeploymentConfig,
} from "@/server/integrations/sagemaker/rollout";
import { assertSomeTraffic, assertValidWeights } from "@/server/integrations/sagemaker/spec";
import { sleep } from "@/server/integrations/sagemaker/timing";
import { weightsMatch } from "@/server/integrations/sagemaker/weights";
import { errorMessage } from "@/lib/error-message";
import type { ComponentHosting } from "@/contracts/component-hosting";
import { ComponentScalingApi } from "@/server/integrations/sagemaker/component-scaling";
import {
  applyHostedVersions,
  componentServing,
  deleteHostedVersions,
  hostsComponents,
  refuseHostingSwitch,
} from "@/server/integrations/sagemaker/component-hosting";
import { InferenceComponentsApi } from "@/server/integrations/sagemaker/inference-components";
import type { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { createSageMakerRuntimeClient } from "@/server/integrations/sagemaker/async-invoker";
import { SageMakerComponentInvoker } from "@/server/integrations/sagemaker/component-invoker";
import { SageMakerComponentPredictions } from "@/server/integrations/sagemaker/component-predictions";

/**
 * The one variant every version of a model takes on its endpoint. SageMaker's canary and linear traffic shifting only
 * run when the new endpoint config keeps the live config's variant names, so a name per version would refuse every
 * guarded rollout; the version lives in the model behind the slot (its name hashes the artifact, its tags name it).
 */
export const PRIMARY_VARIANT = "primary";

/** The real SageMaker client for a config; retries are ours (callWithRetry), so the SDK's own are turned off. */
export function createSageMakerClient(config: SageMakerConfig): SageMakerClient {
  return new SageMakerClient({
    region: config.region,
    maxAttempts: 1,
    ...(config.endpointUrl && { endpoint: config.endpointUrl }),
  });
}

/** Clients default to the real ones built from the config; `artifacts` reads registry artifacts to upload to S3. */
export type SageMakerTargetOptions = {
  sagemaker?: SageMakerClient;
  s3?: S3Client;
  artifacts?: ArtifactSource;
  /** An asynchronous endpoint's backlog scaling (and its wake alarm, through CloudWatch). */
  autoScaling?: ApplicationAutoScalingClient;
  cloudWatch?: CloudWatchClient;
};

/** How an apply changes an existing endpoint: the rollout asked for (none for a restore) and its DeploymentConfig. */
type UpdatePlan = { rollout?: RolloutStrategy; deploymentConfig: DeploymentConfig };

const variantNames = (live: DescribeEndpointCommandOutput) =>
  (live.ProductionVariants ?? []).map((variant) => variant.VariantName ?? "");

/**
 * Serves model versions on Amazon SageMaker real-time endpoints, shifting traffic natively: one UpdateEndpoint carries
 * a whole blue/green release, and SageMaker bakes, watches the rollback alarms and rolls back by itself. Every
 * resource name is derived from content, so a retried job finds what an earlier attempt created instead of creating
 * it twice.
 *
 * A/B tests: a challenger at weight 0 is a production variant SageMaker routes nothing to; a shadow is one of
 * SageMaker's ShadowProductionVariants (one at most, beside exactly one production variant). `routing.salt` is not
 * honoured: SageMaker draws a variant at random by weight for every request, and keeps a caller on one variant only
 * when the caller names it (InvokeEndpoint's `TargetVariant`), so the split is per request, not per caller.
 */
export class SageMakerTarget implements DeploymentTarget, InstanceCountSource {
  readonly kind = "sagemaker" as const;
  readonly trafficShifting = TRAFFIC_SHIFTING.SAGEMAKER;
  readonly config: SageMakerConfig;
  private readonly api: SageMakerApi;
  private readonly modelArtifacts: ModelArtifacts;
  private readonly scaling: AsyncScalingApi;
  private readonly components: InferenceComponentsApi;
  private readonly componentScaling: ComponentScalingApi;

  constructor(config: SageMakerConfig | SageMakerConfigInput, options: SageMakerTargetOptions = {}) {
    this.config = parseSageMakerConfig(config);
    const sagemaker = options.sagemaker ?? createSageMakerClient(this.config);
    const autoScaling = options.autoScaling ?? createAutoScalingClient(this.config);
    const cloudWatch = options.cloudWatch ?? createCloudWatchClient(this.config);
    this.api = new SageMakerApi(sagemaker, this.config.retry);
    this.modelArtifacts = new ModelArtifacts(options.s3 ?? createS3Client(this.config), options.artifacts, this.config);
    this.scaling = new AsyncScalingApi(autoScaling, cloudWatch, this.api, this.config.retry);
    this.components = new InferenceComponentsApi(sagemaker, this.config.retry);
    this.componentScaling = new ComponentScalingApi(autoScaling, cloudWatch, this.config.retry);
  }

  /** The portal's own readings of this account's endpoints: their variants' CloudWatch metrics. */
  guardrails(cloudWatch: CloudWatchClient = createCloudWatchClient(this.config)): GuardrailSource {
    return new CloudWatchGuardrails(cloudWatch);
  }

  get settleTimeoutMs() {
    return this.config.settleTimeoutSeconds * 1000;
  }

  variantName(_modelName: string, _version: number) {
    return PRIMARY_VARIANT;
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

  /**
   * With a rollout: a release, one blue/green UpdateEndpoint shaped by it (CreateEndpoint when the endpoint is new).
   * Without: a restore, all at once, and nothing at all when the endpoint already serves the spec.
   */
  async apply(
    spec: EndpointSpec,
    options: { rollout?: RolloutStrategy; signal?: AbortSignal } = {},
  ): Promise<EndpointState> {
    if (spec.componentHosting) return this.applyComponents(spec, spec.componentHosting, options.signal);
    const desired = desiredEndpoint(spec, this.config);
    const plan: UpdatePlan = {
      rollout: options.rollout,
      deploymentConfig: options.rollout
        ? releaseDeploymentConfig(options.rollout, this.config)
        : restoreDeploymentConfig(this.config),
    };
    const live = await this.api.describeEndpoint(spec.endpointName);
    if (!live && (await this.createEndpoint(spec.endpointName, desired))) return this.describe(spec.endpointName);
    const current = live ?? (await this.api.describeEndpoint(spec.endpointName));
    if (!current)
      throw conflict(`SageMaker endpoint ${spec.endpointName} vanished while it was being created; apply again`);
    if ((await hostsComponents(this.api, current)) === true) refuseHostingSwitch(spec.endpointName, true);
    return this.applyToExisting(current, desired, plan);
  }

  /**
   * Versions as inference components on one managed fleet: SageMaker has no blue/green for them, so a release is a new
   * component that runs before the replaced one goes (the rollout's bake is the portal's own watch afterwards).
   */
  private async applyComponents(
    spec: EndpointSpec,
    hosting: ComponentHosting,
    signal: AbortSignal | undefined,
  ): Promise<EndpointState> {
    if (spec.asyncInference)
      throw new PermanentTargetError(
        `Endpoint ${spec.endpointName} hosts inference components, which answer in real time only; it cannot serve asynchronously`,
        "CONFLICT",
      );
    const live = await this.api.describeEndpoint(spec.endpointName);
    if (live && (await hostsComponents(this.api, live)) === false) refuseHostingSwitch(spec.endpointName, false);
    // A worker that lost its lease stops between passes, so two never reconcile the same components against each other.
    await applyHostedVersions(this.componentClients(), spec, hosting, { ...this.componentTiming(), signal });
    return this.describe(spec.endpointName);
  }

  /** Predictions for chosen versions of this account's component endpoints (SageMaker Runtime from the config). */
  predictions(
    runtime: SageMakerRuntimeClient = createSageMakerRuntimeClient(this.config),
  ): SageMakerComponentPredictions {
    return new SageMakerComponentPredictions(
      this.api,
      this.components,
      new SageMakerComponentInvoker(runtime, this.config.retry),
    );
  }

  /** The inference component that serves `version` on a component endpoint (undefined when none runs it). */
  componentServing(endpointName: string, version: number): Promise<string | undefined> {
    return componentServing(this.api, this.components, endpointName, version);
  }

  private componentClients() {
    return {
      api: this.api,
      components: this.components,
      scaling: this.componentScaling,
      artifacts: this.modelArtifacts,
      config: this.config,
    };
  }

  private componentTiming() {
    return { timeoutMs: this.settleTimeoutMs, pollMs: this.config.pollMs };
  }

  /** Waits out an update in progress first, and returns only once SageMaker serves the new weights. */
  async setWeights(endpointName: string, weights: Record<string, number>): Promise<EndpointState> {
    assertValidWeights(weights);
    const live = await this.settled(endpointName);
    if (!live) throw notFound(`SageMaker endpoint ${endpointName}`);
    const known = variantNames(live);
    const shadow = (live.ShadowProductionVariants ?? []).map((variant) => variant.VariantName ?? "");
    const mirrored = Object.keys(weights).filter((name) => shadow.includes(name));
    if (mirrored.length > 0)
      throw conflict(
        `Variant ${mirrored.join(", ")} of endpoint ${endpointName} is a shadow: it takes no live traffic until an apply makes it a production variant`,
      );
    const unknown = Object.keys(weights).filter((name) => !known.includes(name));
    if (unknown.length > 0)
      throw conflict(`Endpoint ${endpointName} has no variant ${unknown.join(", ")} (it has ${known.join(", ")})`);
    assertSomeTraffic(live, weights);
    if (weightsMatch(live, weights)) return toEndpointState(endpointName, live);
    return this.changeWeights(live, weights);
  }

  async describe(endpointName: string): Promise<EndpointState> {
    return toEndpointState(endpointName, await this.api.describeEndpoint(endpointName));
  }

  /**
   * Instances each variant (a shadow too: it runs and costs like any) runs now: DescribeEndpoint's
   * `CurrentInstanceCount` on the instance type its endpoint config gives, plus, during a blue/green update, the new
   * fleet SageMaker runs beside it (`PendingDeploymentSummary`).
   */
  async readInstances(endpointName: string): Promise<LiveVariantInstances[]> {
    const live = await this.api.describeEndpoint(endpointName);
    if (!live) return [];
    const config = live.EndpointConfigName ? await this.api.describeEndpointConfig(live.EndpointConfigName) : undefined;
    const configured = [...(config?.ProductionVariants ?? []), ...(config?.ShadowProductionVariants ?? [])];
    const types = new Map(configured.map((v) => [v.VariantName, v.InstanceType]));
    const serving = [...(live.ProductionVariants ?? []), ...(live.ShadowProductionVariants ?? [])].flatMap((v) => {
      const instanceType = types.get(v.VariantName);
      return instanceType
        ? [{ variantName: v.VariantName ?? "", instanceType, instances: v.CurrentInstanceCount ?? 0 }]
        : [];
    });
    const pending = (live.PendingDeploymentSummary?.ProductionVariants ?? []).flatMap((v) =>
      v.InstanceType && (v.CurrentInstanceCount ?? 0) > 0
        ? [{ variantName: v.VariantName ?? "", instanceType: v.InstanceType, instances: v.CurrentInstanceCount ?? 0 }]
        : [],
    );
    return [...serving, ...pending];
  }

  /**
   * Until SageMaker leaves Creating/Updating/SystemUpdating/RollingBack. A release SageMaker rolled back is healthy
   * with a failureReason (it serves the previous config); Failed is failed; UpdateRollbackFailed is recovered here.
   */
  async waitUntilSettled(
    endpointName: string,
    options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal },
  ): Promise<EndpointState> {
    const poll: PollOptions = {
      deadline: Date.now() + options.timeoutMs,
      pollMs: options.pollMs ?? this.config.pollMs,
      signal: options.signal,
    };
    const live = await pollUntilSettled(this.api, endpointName, poll);
    if (!live) return absentState(endpointName);
    if (isInProgress(live)) return toEndpointState(endpointName, live);
    if (live.EndpointStatus === "UpdateRollbackFailed") return this.recover(live, poll);
    // Scaling follows the config that serves now: the new one, or the old one SageMaker rolled back to.
    if (live.AsyncInferenceConfig) await this.scaling.reconcile(live);
    return settledOutcome(endpointName, live, (await readEndpointRecord(this.api, live)).expected);
  }

  async delete(endpointName: string): Promise<void> {
    const live = await this.api.describeEndpoint(endpointName);
    if (live?.AsyncInferenceConfig) await this.scaling.removeAll(endpointName);
    // A config deleted behind our back says nothing: SageMaker's list of the endpoint's components then does.
    const hosting = live && (await hostsComponents(this.api, live));
    if (live && (hosting ?? (await this.components.list(endpointName)).length > 0))
      await deleteHostedVersions(this.componentClients(), endpointName, {
        timeoutMs: this.config.deleteTimeoutSeconds * 1000,
        pollMs: this.config.deletePollMs,
      });
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
    plan: UpdatePlan,
  ): Promise<EndpointState> {
    const endpointName = live.EndpointName ?? "";
    if (isInFlightTo(live, desired.configName)) return toEndpointState(endpointName, live);
    assertUpdatable(live);
    // UpdateRollbackFailed serves a mix of two configs, so it never counts as already serving the spec.
    const liveConfig = live.EndpointStatus === "InService" ? await this.liveEndpointConfig(live) : undefined;
    if (liveConfig && servesAlready(desired, liveConfig)) {
      const state = await this.applyWeights(live, desired);
      if (desired.asyncConfig) await this.scaling.reconcile(live);
      return state;
    }
    assertRolloutFits(
      plan.rollout,
      variantNames(live),
      desired.variants.map((variant) => variant.VariantName),
    );
    await this.ensureModels(desired);
    await this.ensureEndpointConfig(desired);
    return this.startUpdate(endpointName, desired, plan.deploymentConfig, liveConfig);
  }

  /**
   * SageMaker refuses an update that changes the instance type of a variant under auto scaling; an endpoint turning
   * real-time must not keep its backlog scaling (a minimum of 0). Reconcile puts back whatever the serving config asks.
   */
  private async releaseScaling(
    live: DescribeEndpointCommandOutput,
    liveConfig: DescribeEndpointConfigCommandOutput | undefined,
    desired: DesiredEndpoint,
  ) {
    const endpointName = live.EndpointName ?? "";
    if (desired.asyncConfig) await this.scaling.releaseBeforeUpdate(endpointName, liveConfig, desired.variants);
    else if (live.AsyncInferenceConfig) await this.scaling.removeAll(endpointName);
  }

  /** The same fleet: at most a weight change, and the endpoint is recorded as expected to run its live config. */
  private async applyWeights(live: DescribeEndpointCommandOutput, desired: DesiredEndpoint): Promise<EndpointState> {
    const wanted = Object.fromEntries(
      desired.variants.map((variant) => [variant.VariantName, variant.InitialVariantWeight]),
    );
    await writeEndpointRecord(this.api, live, { expected: live.EndpointConfigName });
    if (weightsMatch(live, wanted)) return toEndpointState(live.EndpointName ?? "", live);
    return this.changeWeights(live, wanted);
  }

  private async changeWeights(
    live: DescribeEndpointCommandOutput,
    weights: Record<string, number>,
  ): Promise<EndpointState> {
    const endpointName = live.EndpointName ?? "";
    if (live.EndpointStatus !== "InService")
      throw conflict(
        `SageMaker endpoint ${endpointName} is ${live.EndpointStatus}; weights change only while InService`,
      );
    await this.api.updateWeights(
      {
        EndpointName: endpointName,
        DesiredWeightsAndCapacities: Object.entries(weights).map(([VariantName, DesiredWeight]) => ({
          VariantName,
          DesiredWeight,
        })),
      },
      async () => {
        const now = await this.api.describeEndpoint(endpointName);
        return now !== undefined && weightsMatch(now, weights);
      },
    );
    const after = await this.settled(endpointName);
    const state = toEndpointState(endpointName, after);
    if (after?.EndpointStatus !== "InService" || weightsMatch(after, weights, "current")) return state;
    return withFailure(
      state,
      `SageMaker did not apply the weights${after.FailureReason ? `: ${after.FailureReason}` : ""}`,
    );
  }

  /**
   * Re-describes right before the write, since a retried job or another worker may have sent it meanwhile, and
   * records what the endpoint served (if InService) and what it is asked to run before asking.
   */
  private async startUpdate(
    endpointName: string,
    desired: DesiredEndpoint,
    deploymentConfig: DeploymentConfig,
    liveConfig: DescribeEndpointConfigCommandOutput | undefined,
  ): Promise<EndpointState> {
    const configName = desired.configName;
    const live = await this.api.describeEndpoint(endpointName);
    if (!live) throw conflict(`SageMaker endpoint ${endpointName} vanished before it could be updated; apply again`);
    if (isServingOrHeadingFor(live, configName)) return toEndpointState(endpointName, live);
    assertUpdatable(live);
    await writeEndpointRecord(this.api, live, {
      expected: configName,
      ...(live.EndpointStatus === "InService" && { previous: live.EndpointConfigName }),
    });
    await this.releaseScaling(live, liveConfig, desired);
    await this.sendUpdate(endpointName, configName, deploymentConfig).catch((error: unknown) =>
      // The refusal is what goes up, whether or not the scaling could be put back.
      this.restoreScaling(endpointName, configName).finally(() => {
        throw error;
      }),
    );
    return this.describe(endpointName);
  }

  private sendUpdate(endpointName: string, configName: string, DeploymentConfig: DeploymentConfig) {
    return this.api.updateEndpoint(
      {
        EndpointName: endpointName,
        EndpointConfigName: configName,
        DeploymentConfig,
        RetainAllVariantProperties: false,
      },
      async () => {
        const now = await this.api.describeEndpoint(endpointName);
        return now !== undefined && isServingOrHeadingFor(now, configName);
      },
    );
  }

  /** After a refused update: the fleet that still serves (not one heading for the new config) gets its scaling back. */
  private async restoreScaling(endpointName: string, configName: string) {
    const now = await this.api.describeEndpoint(endpointName);
    if (now?.AsyncInferenceConfig && now.EndpointStatus === "InService" && !isServingOrHeadingFor(now, configName))
      await this.scaling.reconcile(now);
  }

  /**
   * UpdateRollbackFailed: the endpoint serves a mix of the old and new configs until another UpdateEndpoint. The
   * config it served before the failed update (recorded when that update was sent) is restored all at once, and the
   * outcome carries the failure.
   */
  private async recover(live: DescribeEndpointCommandOutput, poll: PollOptions): Promise<EndpointState> {
    const endpointName = live.EndpointName ?? "";
    const reason = `SageMaker could neither finish the update nor roll it back (UpdateRollbackFailed${live.FailureReason ? `: ${live.FailureReason}` : ""})`;
    const { previous } = await readEndpointRecord(this.api, live);
    if (!previous || !(await this.configExists(previous)))
      return withFailure(
        toEndpointState(endpointName, live),
        `${reason}. No earlier config is recorded to restore; apply the previous spec to restore it.`,
      );
    try {
      await this.sendUpdate(endpointName, previous, restoreDeploymentConfig(this.config));
    } catch (error) {
      const refusal = errorMessage(error);
      return withFailure(
        toEndpointState(endpointName, live),
        `${reason}. Restoring ${previous} was refused: ${refusal}`,
      );
    }
    const after = await pollUntilSettled(this.api, endpointName, poll);
    if (after?.AsyncInferenceConfig) await this.scaling.reconcile(after);
    return recoveryOutcome(endpointName, after, previous, reason);
  }

  /** Until SageMaker is done with the endpoint, for at most the settle timeout. */
  private settled(endpointName: string) {
    return pollUntilSettled(this.api, endpointName, {
      deadline: Date.now() + this.settleTimeoutMs,
      pollMs: this.config.pollMs,
    });
  }

  /** Every model's bytes are on S3 before CreateModel points at them. */
  private async ensureModels(desired: DesiredEndpoint) {
    for (const artifact of desired.artifacts) await this.modelArtifacts.ensureUploaded(artifact);
    for (const model of desired.models) await ensureModel(this.api, model);
  }

  private async ensureEndpointConfig(desired: DesiredEndpoint) {
    try {
      await this.api.createEndpointConfig(desired.configInput);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      const existing = await this.api.describeEndpointConfig(desired.configName);
      if (!isSameEndpointConfig(desired, existing, desired.dataCapture)) {
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

  private async configExists(configName: string): Promise<boolean> {
    try {
      await this.api.describeEndpointConfig(configName);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
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

/**
 * The live config already is the desired one but for production weights. An asynchronous config also names its
 * scaling (a tag SageMaker does not describe), so it is the same only under the same name.
 */
function servesAlready(desired: DesiredEndpoint, liveConfig: DescribeEndpointConfigCommandOutput): boolean {
  if (desired.asyncConfig) return liveConfig.EndpointConfigName === desired.configName;
  return (
    differsOnlyInWeights(desired, liveConfig) && isSameDataCapture(desired.dataCapture, liveConfig.DataCaptureConfig)
  );
}

function ignoreNotFound(error: unknown): void {
  if (!isNotFound(error)) throw error;
}

/**
 * UpdateEndpoint is accepted InService and, to repair it, in UpdateRollbackFailed. While SageMaker works on the
 * endpoint a later retry may succeed; Failed and OutOfService endpoints accept only DeleteEndpoint.
 */
function assertUpdatable(live: DescribeEndpointCommandOutput): void {
  const name = live.EndpointName ?? "";
  const status = live.EndpointStatus;
  if (status === "InService" || status === "UpdateRollbackFailed") return;
  if (status === "Failed" || status === "OutOfService") {
    throw new PermanentTargetError(
      `SageMaker endpoint ${name} is ${status}${live.FailureReason ? ` (${live.FailureReason})` : ""}; SageMaker allows only deleting it, so delete it and apply again`,
      "CONFLICT",
    );
  }
  throw conflict(`SageMaker endpoint ${name} is ${status ?? "busy"}; wait until it settles before changing it`);
}

function recoveryOutcome(
  endpointName: string,
  after: DescribeEndpointCommandOutput | undefined,
  restored: string,
  reason: string,
): EndpointState {
  if (!after) return absentState(endpointName);
  const state = toEndpointState(endpointName, after);
  if (after.EndpointStatus === "InService" && after.EndpointConfigName === restored)
    return withFailure(
      { ...state, status: "healthy" },
      `${reason}. Modelport restored ${restored}, which served before the update.`,
    );
  if (isInProgress(after))
    return withFailure(state, `${reason}. Modelport is restoring ${restored}; it has not finished.`);
  const why = after.FailureReason ? `: ${after.FailureReason}` : "";
  return withFailure({ ...state, status: "failed" }, `${reason}. Restoring ${restored} failed too${why}.`);
}
