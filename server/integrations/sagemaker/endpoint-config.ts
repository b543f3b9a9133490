import type {
  AsyncInferenceConfig,
  CreateEndpointConfigCommandInput,
  DataCaptureConfig,
  DescribeEndpointConfigCommandOutput,
  ProductionVariant,
} from "@aws-sdk/client-sagemaker";
import type { EndpointSpec, VariantSpec } from "@/server/integrations/targets/deployment-target";
import { instanceTypeSchema, type SageMakerConfig } from "@/server/integrations/sagemaker/config";
import type { AsyncServing } from "@/contracts/async-serving";
import {
  TAG_ASYNC_SCALING,
  TAG_ENDPOINT,
  canonicalJson,
  contentHash,
  endpointConfigResourceName,
} from "@/server/integrations/sagemaker/names";

type Defined<T> = { [K in keyof T]-?: NonNullable<T[K]> };
export type DesiredVariant = Defined<
  Pick<
    ProductionVariant,
    "VariantName" | "ModelName" | "InstanceType" | "InitialInstanceCount" | "InitialVariantWeight"
  >
>;

const byName = (a: { VariantName?: string }, b: { VariantName?: string }) =>
  (a.VariantName ?? "") < (b.VariantName ?? "") ? -1 : 1;

const toDesired = (
  variant: VariantSpec,
  modelNames: ReadonlyMap<string, string>,
  config: SageMakerConfig,
  weight: number,
): DesiredVariant => ({
  VariantName: variant.variantName,
  ModelName: modelNames.get(variant.variantName) ?? "",
  InstanceType: instanceTypeSchema.parse(variant.instanceType ?? config.defaultInstanceType),
  InitialInstanceCount: variant.instanceCount ?? config.defaultInstanceCount,
  InitialVariantWeight: weight,
});

/** One ProductionVariant per live (non-shadow) spec variant, sorted by name so equal specs give byte-equal requests. */
export function productionVariants(
  spec: EndpointSpec,
  modelNames: ReadonlyMap<string, string>,
  config: SageMakerConfig,
): DesiredVariant[] {
  return spec.variants
    .filter((variant) => !variant.shadow)
    .map((variant) => toDesired(variant, modelNames, config, variant.weight))
    .sort(byName);
}

/**
 * The spec's shadow as SageMaker's ShadowProductionVariants (at most one, beside exactly one production variant). A
 * shadow's InitialVariantWeight is not a share of live traffic: relative to the production variant's weight it is the
 * share of requests SageMaker replicates to the shadow (the inference experiment's SamplingPercentage, at most 100).
 * Our shadow mirrors every live request, so it takes the production variant's weight.
 */
export function shadowProductionVariants(
  spec: EndpointSpec,
  modelNames: ReadonlyMap<string, string>,
  config: SageMakerConfig,
): DesiredVariant[] {
  const productionWeight = spec.variants.reduce((sum, variant) => sum + (variant.shadow ? 0 : variant.weight), 0);
  return spec.variants
    .filter((variant) => variant.shadow)
    .map((variant) => toDesired(variant, modelNames, config, productionWeight))
    .sort(byName);
}

/**
 * The share of requests SageMaker captures, as its whole InitialSamplingPercentage: a capture rate above 0 captures at
 * least 1%. The capture import reads the same number back as each imported row's capture probability.
 */
export function samplingPercentage(captureRate: number): number {
  if (!(captureRate > 0)) return 0;
  return Math.min(100, Math.max(1, Math.round(captureRate * 100)));
}

/**
 * Data capture for an endpoint with a capture policy: request and response bodies (JSON) of the sampled share of
 * requests, written as JSONL under {captureS3Prefix}/{EndpointName}/{VariantName}/yyyy/mm/dd/hh/ and imported into the
 * prediction log by the capture import job. Absent when the spec has no capture policy.
 */
export function dataCaptureConfig(
  captureRate: number | undefined,
  config: Pick<SageMakerConfig, "captureS3Prefix">,
): DataCaptureConfig | undefined {
  if (captureRate === undefined) return undefined;
  const percentage = samplingPercentage(captureRate);
  return {
    EnableCapture: percentage > 0,
    InitialSamplingPercentage: percentage,
    DestinationS3Uri: config.captureS3Prefix,
    CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
    CaptureContentTypeHeader: { JsonContentTypes: ["application/json"] },
  };
}

/**
 * An asynchronous endpoint's AsyncInferenceConfig: answers under {asyncS3Prefix}/{EndpointName}/output, failures under
 * …/failure (encrypted with the artifacts' KMS key when one is set), and how many requests each instance works on at
 * once. Notification topics are not used: the portal polls the two locations.
 */
export function asyncInferenceConfig(
  endpointName: string,
  serving: AsyncServing,
  config: Pick<SageMakerConfig, "asyncS3Prefix" | "s3KmsKeyId">,
): AsyncInferenceConfig {
  const base = `${config.asyncS3Prefix}/${endpointName}`;
  return {
    OutputConfig: {
      S3OutputPath: `${base}/output`,
      S3FailurePath: `${base}/failure`,
      ...(config.s3KmsKeyId && { KmsKeyId: config.s3KmsKeyId }),
    },
    ClientConfig: { MaxConcurrentInvocationsPerInstance: serving.maxConcurrentInvocationsPerInstance },
  };
}

/** Production and shadow variants of one endpoint config, and how it serves when asynchronous. */
export type ConfigVariants = {
  variants: DesiredVariant[];
  shadowVariants: DesiredVariant[];
  asyncConfig?: AsyncInferenceConfig;
  /** Kept on the config as a tag: the scaling Application Auto Scaling applies while this config serves. */
  asyncScaling?: AsyncServing["scaling"];
};

/**
 * The config's name hashes its variants (weights included), its shadow variants and its data capture: the same spec
 * always maps to the same config, and a changed capture policy or shadow to a new one. Configs without a shadow hash
 * as they did before shadows existed, so live endpoints keep their config names.
 */
export function createEndpointConfigInput(
  endpointName: string,
  { variants, shadowVariants, asyncConfig, asyncScaling }: ConfigVariants,
  dataCapture?: DataCaptureConfig,
): CreateEndpointConfigCommandInput & { EndpointConfigName: string } {
  const hashed = asyncConfig
    ? { variants, asyncConfig, asyncScaling: asyncScaling ?? null }
    : shadowVariants.length > 0
      ? { variants, shadowVariants, dataCapture }
      : dataCapture
        ? { variants, dataCapture }
        : variants;
  return {
    EndpointConfigName: endpointConfigResourceName(endpointName, contentHash(hashed)),
    ProductionVariants: variants,
    ...(shadowVariants.length > 0 && { ShadowProductionVariants: shadowVariants }),
    ...(dataCapture ? { DataCaptureConfig: dataCapture } : {}),
    ...(asyncConfig && { AsyncInferenceConfig: asyncConfig }),
    Tags: [
      { Key: TAG_ENDPOINT, Value: endpointName },
      ...(asyncScaling ? [{ Key: TAG_ASYNC_SCALING, Value: canonicalJson(asyncScaling) }] : []),
    ],
  };
}

function comparableAsync(config: AsyncInferenceConfig | undefined): string {
  if (!config) return "";
  return canonicalJson({
    output: config.OutputConfig?.S3OutputPath,
    failure: config.OutputConfig?.S3FailurePath,
    kms: config.OutputConfig?.KmsKeyId ?? null,
    concurrency: config.ClientConfig?.MaxConcurrentInvocationsPerInstance ?? null,
  });
}

function comparableCapture(capture: DataCaptureConfig | undefined): string {
  if (!capture) return "";
  return canonicalJson({
    enabled: capture.EnableCapture ?? true,
    percentage: capture.InitialSamplingPercentage,
    destination: capture.DestinationS3Uri,
    modes: (capture.CaptureOptions ?? []).map((option) => option.CaptureMode).sort(),
    json: [...(capture.CaptureContentTypeHeader?.JsonContentTypes ?? [])].sort(),
  });
}

/** Whether a live config captures as the desired one would (an unchanged policy needs no new config). */
export function isSameDataCapture(wanted: DataCaptureConfig | undefined, live: DataCaptureConfig | undefined): boolean {
  return comparableCapture(wanted) === comparableCapture(live);
}

function comparable(variants: readonly ProductionVariant[] | undefined, withWeights: boolean): string {
  return canonicalJson(
    [...(variants ?? [])].sort(byName).map((variant) => ({
      name: variant.VariantName,
      model: variant.ModelName,
      instanceType: variant.InstanceType,
      count: variant.InitialInstanceCount,
      weight: withWeights ? variant.InitialVariantWeight : undefined,
    })),
  );
}

export function isSameEndpointConfig(
  wanted: ConfigVariants,
  existing: DescribeEndpointConfigCommandOutput,
  wantedCapture?: DataCaptureConfig,
): boolean {
  return (
    comparable(wanted.variants, true) === comparable(existing.ProductionVariants, true) &&
    comparable(wanted.shadowVariants, true) === comparable(existing.ShadowProductionVariants, true) &&
    isSameDataCapture(wantedCapture, existing.DataCaptureConfig) &&
    comparableAsync(wanted.asyncConfig) === comparableAsync(existing.AsyncInferenceConfig)
  );
}

/**
 * Same production variants on the same models and instances, the same shadow (weight included, since it sets the
 * mirrored share) and the same way of serving (real time, or asynchronous alike): only production
 * weights can differ, so no new fleet is needed.
 */
export function differsOnlyInWeights(
  wanted: ConfigVariants,
  live: Pick<
    DescribeEndpointConfigCommandOutput,
    "ProductionVariants" | "ShadowProductionVariants" | "AsyncInferenceConfig"
  >,
): boolean {
  return (
    comparable(wanted.variants, false) === comparable(live.ProductionVariants, false) &&
    comparable(wanted.shadowVariants, true) === comparable(live.ShadowProductionVariants, true) &&
    comparableAsync(wanted.asyncConfig) === comparableAsync(live.AsyncInferenceConfig)
  );
}
