import type {
  ContainerDefinition,
  CreateModelCommandInput,
  DescribeModelCommandOutput,
  Tag,
} from "@aws-sdk/client-sagemaker";
import { badRequest } from "@/server/errors";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import type { ArtifactUpload } from "@/server/integrations/sagemaker/model-artifacts";
import {
  TAG_ARTIFACT_SHA256,
  TAG_ENDPOINT,
  TAG_VARIANT,
  canonicalJson,
  contentHash,
  modelResourceName,
} from "@/server/integrations/sagemaker/names";

type ModelData = Pick<ContainerDefinition, "ModelDataUrl" | "ModelDataSource">;

/** s3:// URIs are used as they are; anything else is the artifact's file name under the configured prefix, by sha256. */
export function modelDataUri(variant: VariantSpec, config: SageMakerConfig): string {
  if (variant.artifactUri.startsWith("s3://")) return variant.artifactUri;
  const fileName = variant.artifactUri.split("/").filter(Boolean).at(-1) ?? "model";
  return `${config.modelDataS3Prefix}/${variant.artifactSha256}/${fileName}`;
}

/** A registry artifact (not already on S3) must be uploaded to its modelDataUri before CreateModel points at it. */
export function artifactUpload(variant: VariantSpec, config: SageMakerConfig): ArtifactUpload | undefined {
  if (variant.artifactUri.startsWith("s3://")) return undefined;
  return { sha256: variant.artifactSha256, uri: modelDataUri(variant, config) };
}

/**
 * A model.tar.gz is unpacked by SageMaker (ModelDataUrl); anything else is mounted uncompressed — a folder (trailing
 * slash, e.g. LLM weights for vLLM) as an S3 prefix, a single file as an S3 object.
 */
export function modelDataFor(uri: string): ModelData {
  if (uri.endsWith(".tar.gz")) return { ModelDataUrl: uri };
  return {
    ModelDataSource: {
      S3DataSource: { S3Uri: uri, S3DataType: uri.endsWith("/") ? "S3Prefix" : "S3Object", CompressionType: "None" },
    },
  };
}

function environmentFor(variant: VariantSpec, config: SageMakerConfig): Record<string, string> {
  const environment: Record<string, string> = {
    ...config.environment[variant.format],
    MODELPORT_MODEL_NAME: variant.modelName,
    MODELPORT_MODEL_VERSION: String(variant.version),
    MODELPORT_ARTIFACT_SHA256: variant.artifactSha256,
  };
  if (variant.format === "VLLM" && variant.gpus !== undefined)
    environment.OPTION_TENSOR_PARALLEL_DEGREE = String(variant.gpus);
  return environment;
}

export function containerFor(variant: VariantSpec, config: SageMakerConfig): ContainerDefinition {
  const image = config.images[variant.format];
  if (!image)
    throw badRequest(
      `No SageMaker serving image is configured for ${variant.format} models (variant ${variant.variantName})`,
    );
  return { Image: image, ...modelDataFor(modelDataUri(variant, config)), Environment: environmentFor(variant, config) };
}

export function modelTags(endpointName: string, variant: VariantSpec): Tag[] {
  return [
    { Key: TAG_ENDPOINT, Value: endpointName },
    { Key: TAG_VARIANT, Value: variant.variantName },
    { Key: TAG_ARTIFACT_SHA256, Value: variant.artifactSha256 },
  ];
}

/** The CreateModel request for one variant; its name hashes the whole definition, so equal definitions share a name. */
export function createModelInput(
  endpointName: string,
  variant: VariantSpec,
  config: SageMakerConfig,
): CreateModelCommandInput & { ModelName: string } {
  const PrimaryContainer = containerFor(variant, config);
  const definitionHash = contentHash({
    endpointName,
    variantName: variant.variantName,
    ExecutionRoleArn: config.executionRoleArn,
    PrimaryContainer,
  });
  return {
    ModelName: modelResourceName(endpointName, variant.variantName, definitionHash),
    ExecutionRoleArn: config.executionRoleArn,
    PrimaryContainer,
    Tags: modelTags(endpointName, variant),
  };
}

function comparableModel(role: string | undefined, container: ContainerDefinition | undefined) {
  const source = container?.ModelDataSource?.S3DataSource;
  return canonicalJson({
    role,
    image: container?.Image,
    modelDataUrl: container?.ModelDataUrl,
    source: source && { uri: source.S3Uri, type: source.S3DataType, compression: source.CompressionType },
    environment: container?.Environment ?? {},
  });
}

/** Whether a model that already exists under our name is the one we would have created. */
export function isSameModel(wanted: CreateModelCommandInput, existing: DescribeModelCommandOutput): boolean {
  return (
    comparableModel(wanted.ExecutionRoleArn, wanted.PrimaryContainer) ===
    comparableModel(existing.ExecutionRoleArn, existing.PrimaryContainer)
  );
}
