import { ProductionVariantInstanceType } from "@aws-sdk/client-sagemaker";
import { z } from "zod";
import { errorMessage } from "@/lib/error-message";

export const INSTANCE_TYPES = Object.values(ProductionVariantInstanceType);
/** What a variant runs on when neither it nor MODELPORT_SAGEMAKER_INSTANCE_TYPE names an instance type. */
export const DEFAULT_SAGEMAKER_INSTANCE_TYPE = ProductionVariantInstanceType.ML_M5_LARGE;
export const instanceTypeSchema = z.enum(INSTANCE_TYPES, {
  error: (issue) => `${String(issue.input)} is not a SageMaker real-time instance type (e.g. ml.m5.large)`,
});

const imageUriSchema = z
  .string()
  .trim()
  .regex(/^[^\s/]+\/[^\s]+$/, "Image URIs look like <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>");

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** S3's smallest multipart part (all but the last). */
const MIN_PART_BYTES = 5 * MIB;

const s3PrefixSchema = z
  .string()
  .trim()
  .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, "The S3 prefix must look like s3://bucket/optional/prefix")
  .transform((prefix) => prefix.replace(/\/+$/, ""));

/**
 * How a registry artifact that is not already a `.tar.gz` reaches the container: `file` mounts it uncompressed as
 * /opt/ml/model/<its file name>; `tar.gz` packs it (deterministically) into model.tar.gz, which SageMaker unpacks into
 * /opt/ml/model — what SageMaker's framework containers expect.
 */
const packagingSchema = z.enum(["file", "tar.gz"]);

/** A blue/green rollback starts a fleet again; the settle timeout leaves it this long past SageMaker's own timeout. */
const ROLLBACK_ALLOWANCE_SECONDS = 900;

/**
 * Everything the SageMaker target needs to know about the AWS account it deploys into. Limits follow the SageMaker
 * API: blue/green waits are at most an hour, a deployment may run between 10 minutes and 8 hours, and at most ten
 * CloudWatch alarms can trigger an automatic rollback.
 */
const configFields = z.object({
  region: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "The region must look like eu-west-1"),
  executionRoleArn: z
    .string()
    .trim()
    .regex(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/,
      "The execution role must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
    ),
  images: z
    .object({ ONNX: imageUriSchema.optional(), CONTAINER: imageUriSchema.optional(), VLLM: imageUriSchema.optional() })
    .refine((images) => Object.values(images).some(Boolean), {
      message: "Configure a serving image for at least one model format",
    }),
  /** Extra container environment per format, e.g. LMI options for the vLLM image. */
  environment: z
    .object({
      ONNX: z.record(z.string(), z.string()).default({}),
      CONTAINER: z.record(z.string(), z.string()).default({}),
      VLLM: z
        .record(z.string(), z.string())
        .default({ OPTION_ROLLING_BATCH: "vllm", OPTION_GPU_MEMORY_UTILIZATION: "0.9" }),
    })
    .prefault({}),
  modelDataS3Prefix: s3PrefixSchema,
  /** Where SageMaker data capture writes ({prefix}/{EndpointName}/{VariantName}/yyyy/mm/dd/hh/*.jsonl); default
   * {modelDataS3Prefix}/data-capture. */
  captureS3Prefix: s3PrefixSchema.optional(),
  /** Asynchronous endpoints: payloads go to {prefix}/{EndpointName}/input, answers to …/output and …/failure; default
   * {modelDataS3Prefix}/async. */
  asyncS3Prefix: s3PrefixSchema.optional(),
  /** SageMaker Runtime's endpoint (InvokeEndpointAsync); the region's own when unset. */
  runtimeEndpointUrl: z.url().optional(),
  /** Application Auto Scaling's endpoint (an asynchronous endpoint's backlog scaling); the region's own when unset. */
  autoScalingEndpointUrl: z.url().optional(),
  /** Model artifacts are uploaded encrypted with this KMS key (aws:kms); without it S3-managed keys (AES256). */
  s3KmsKeyId: z.string().trim().min(1).optional(),
  /** An S3-compatible endpoint instead of AWS's (addressed path-style), e.g. a local stand-in. */
  s3EndpointUrl: z.url().optional(),
  /** Artifacts up to this size go up in one PutObject; larger ones as a multipart upload (S3 allows 5 GiB per PUT). */
  s3MultipartThresholdBytes: z
    .number()
    .int()
    .min(MIN_PART_BYTES)
    .max(5 * GIB)
    .default(100 * MIB),
  /** Multipart part size; grown when needed to stay within S3's 10,000 parts. */
  s3PartSizeBytes: z
    .number()
    .int()
    .min(MIN_PART_BYTES)
    .max(5 * GIB)
    .default(16 * MIB),
  defaultInstanceType: instanceTypeSchema.default(DEFAULT_SAGEMAKER_INSTANCE_TYPE),
  defaultInstanceCount: z.number().int().min(1).max(100).default(1),
  rollbackAlarmNames: z
    .array(z.string().trim().min(1).max(255))
    .max(10, "SageMaker accepts at most 10 rollback alarms")
    .default([]),
  /** MaximumExecutionTimeoutInSeconds of every blue/green update: SageMaker rolls back an update still running then. */
  maxExecutionSeconds: z.number().int().min(600).max(28_800).default(3600),
  terminationWaitSeconds: z.number().int().min(0).max(3600).default(0),
  /**
   * How long a deployment waits for an apply to settle. A blue/green update (instance start, every canary or linear
   * bake, the termination wait) is bounded by maxExecutionSeconds, after which SageMaker rolls it back, so the default
   * is that plus time for the rollback.
   */
  settleTimeoutSeconds: z.number().int().min(60).optional(),
  /** Between DescribeEndpoint calls while waiting for the endpoint to settle. */
  pollMs: z.number().int().min(1).default(15_000),
  packaging: z
    .object({
      ONNX: packagingSchema.default("file"),
      CONTAINER: packagingSchema.default("tar.gz"),
      VLLM: packagingSchema.default("file"),
    })
    .prefault({}),
  endpointUrl: z.url().optional(),
  /** CloudWatch's endpoint (invocation counts, guardrail readings); the region's own when unset. */
  cloudWatchEndpointUrl: z.url().optional(),
  /** How long `delete` waits for SageMaker to finish removing an endpoint before its configs and models go. */
  deleteTimeoutSeconds: z.number().int().min(0).default(900),
  deletePollMs: z.number().int().min(1).default(10_000),
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).max(10).default(5),
      baseDelayMs: z.number().int().min(1).default(250),
      maxDelayMs: z.number().int().min(1).default(5000),
    })
    .prefault({}),
});

export const sageMakerConfigSchema = configFields
  .transform((config) => ({
    ...config,
    settleTimeoutSeconds: config.settleTimeoutSeconds ?? config.maxExecutionSeconds + ROLLBACK_ALLOWANCE_SECONDS,
    captureS3Prefix: config.captureS3Prefix ?? `${config.modelDataS3Prefix}/data-capture`,
    asyncS3Prefix: config.asyncS3Prefix ?? `${config.modelDataS3Prefix}/async`,
  }))
  .refine((config) => config.settleTimeoutSeconds > config.maxExecutionSeconds, {
    message:
      "settleTimeoutSeconds must be longer than maxExecutionSeconds, or a deployment stops waiting while SageMaker is still updating",
    path: ["settleTimeoutSeconds"],
  });

export type SageMakerConfig = z.infer<typeof sageMakerConfigSchema>;
export type SageMakerConfigInput = z.input<typeof sageMakerConfigSchema>;

export function parseSageMakerConfig(input: unknown): SageMakerConfig {
  const parsed = sageMakerConfigSchema.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid SageMaker configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

type Environment = Record<string, string | undefined>;

const optionalNumber = (value: string | undefined) => (value === undefined || value === "" ? undefined : Number(value));
const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** Reads the MODELPORT_SAGEMAKER_* variables (region falls back to AWS_REGION). */
export function sageMakerConfigFromEnv(environment: Environment = process.env): SageMakerConfig {
  return parseSageMakerConfig({
    region: environment.MODELPORT_SAGEMAKER_REGION ?? environment.AWS_REGION,
    executionRoleArn: environment.MODELPORT_SAGEMAKER_EXECUTION_ROLE_ARN,
    images: {
      ONNX: environment.MODELPORT_SAGEMAKER_IMAGE_ONNX || undefined,
      CONTAINER: environment.MODELPORT_SAGEMAKER_IMAGE_CONTAINER || undefined,
      VLLM: environment.MODELPORT_SAGEMAKER_IMAGE_VLLM || undefined,
    },
    modelDataS3Prefix: environment.MODELPORT_SAGEMAKER_S3_PREFIX,
    captureS3Prefix: environment.MODELPORT_SAGEMAKER_CAPTURE_S3_PREFIX || undefined,
    asyncS3Prefix: environment.MODELPORT_SAGEMAKER_ASYNC_S3_PREFIX || undefined,
    runtimeEndpointUrl: environment.MODELPORT_SAGEMAKER_RUNTIME_ENDPOINT_URL || undefined,
    autoScalingEndpointUrl: environment.MODELPORT_SAGEMAKER_AUTOSCALING_ENDPOINT_URL || undefined,
    defaultInstanceType: environment.MODELPORT_SAGEMAKER_INSTANCE_TYPE,
    defaultInstanceCount: optionalNumber(environment.MODELPORT_SAGEMAKER_INSTANCE_COUNT),
    rollbackAlarmNames: list(environment.MODELPORT_SAGEMAKER_ROLLBACK_ALARMS),
    maxExecutionSeconds: optionalNumber(environment.MODELPORT_SAGEMAKER_MAX_EXECUTION_SECONDS),
    terminationWaitSeconds: optionalNumber(environment.MODELPORT_SAGEMAKER_TERMINATION_WAIT_SECONDS),
    settleTimeoutSeconds: optionalNumber(environment.MODELPORT_SAGEMAKER_SETTLE_TIMEOUT_SECONDS),
    pollMs: optionalNumber(environment.MODELPORT_SAGEMAKER_POLL_MS),
    packaging: {
      ONNX: environment.MODELPORT_SAGEMAKER_PACKAGING_ONNX || undefined,
      CONTAINER: environment.MODELPORT_SAGEMAKER_PACKAGING_CONTAINER || undefined,
      VLLM: environment.MODELPORT_SAGEMAKER_PACKAGING_VLLM || undefined,
    },
    endpointUrl: environment.MODELPORT_SAGEMAKER_ENDPOINT_URL || undefined,
    cloudWatchEndpointUrl: environment.MODELPORT_SAGEMAKER_CLOUDWATCH_ENDPOINT_URL || undefined,
    s3KmsKeyId: environment.MODELPORT_SAGEMAKER_S3_KMS_KEY_ID || undefined,
    s3EndpointUrl: environment.MODELPORT_SAGEMAKER_S3_ENDPOINT_URL || undefined,
  });
}

/** The SageMaker configuration from MODELPORT_SAGEMAKER_*, or why batch jobs cannot run there. */
export function sageMakerBatchConfigFromEnv(
  environment: Environment = process.env,
): { config: SageMakerConfig } | { problem: string } {
  if (!environment.MODELPORT_SAGEMAKER_S3_PREFIX)
    return { problem: "SageMaker is not configured on this installation (MODELPORT_SAGEMAKER_S3_PREFIX is unset)" };
  try {
    return { config: sageMakerConfigFromEnv(environment) };
  } catch (error) {
    return { problem: `SageMaker is misconfigured: ${errorMessage(error)}` };
  }
}
