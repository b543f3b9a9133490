import type {
  ContainerDefinition,
  CreateModelCommandInput,
  DescribeModelCommandOutput,
  Tag,
} from "@aws-sdk/client-sagemaker";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { permanent } from "@/server/integrations/sagemaker/errors";
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

/** Where the variant's model data lives on S3 and, for a registry artifact, how it gets there. */
export type ModelDataPlan = { uri: string; upload?: ArtifactUpload };

/** What a packed artifact is called: the name SageMaker's framework containers expect. */
export const TARBALL_NAME = "model.tar.gz";
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const isTarball = (fileName: string) => fileName.endsWith(".tar.gz");

/** The registry artifact's file name (the spec's, else the URI's last segment), safe as an S3 key and a tar entry. */
export function artifactFileName(variant: VariantSpec): string {
  const named = variant.artifactFileName ?? variant.artifactUri;
  const fileName = named.split("/").filter(Boolean).at(-1) ?? "";
  if (!FILE_NAME.test(fileName))
    throw permanent(
      `Variant ${variant.variantName}: the artifact file name "${fileName}" must be 1–100 letters, digits, dots, dashes or underscores`,
    );
  return fileName;
}

/**
 * s3:// URIs are used as they are. A registry artifact goes under the configured prefix by sha256, keeping its file
 * name and packaging; a single file the format's container wants as a tarball is packed into model.tar.gz.
 */
export function modelDataPlan(variant: VariantSpec, config: SageMakerConfig): ModelDataPlan {
  if (variant.artifactUri.startsWith("s3://")) return { uri: variant.artifactUri };
  const fileName = artifactFileName(variant);
  const folder = `${config.modelDataS3Prefix}/${variant.artifactSha256}`;
  if (!isTarball(fileName) && config.packaging[variant.format] === "tar.gz") {
    const uri = `${folder}/${TARBALL_NAME}`;
    return { uri, upload: { sha256: variant.artifactSha256, uri, tarEntry: fileName } };
  }
  const uri = `${folder}/${fileName}`;
  return { uri, upload: { sha256: variant.artifactSha256, uri } };
}

/**
 * A .tar.gz is unpacked by SageMaker (ModelDataUrl); anything else is mounted uncompressed — a folder (trailing
 * slash, e.g. LLM weights for vLLM) as an S3 prefix, a single file as an S3 object named as its key's last segment.
 */
export function modelDataFor(uri: string): ModelData {
  if (isTarball(uri)) return { ModelDataUrl: uri };
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
    throw permanent(
      `No SageMaker serving image is configured for ${variant.format} models (variant ${variant.variantName})`,
    );
  return {
    Image: image,
    ...modelDataFor(modelDataPlan(variant, config).uri),
    Environment: environmentFor(variant, config),
  };
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
