import { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import {
  ListInferenceComponentsCommand,
  SageMakerClient,
  SageMakerServiceException,
  type DescribeEndpointCommandOutput,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { Readable } from "node:stream";
import { parseSageMakerConfig, type SageMakerConfigInput } from "@/server/integrations/sagemaker/config";
import { desiredEndpoint } from "@/server/integrations/sagemaker/desired-endpoint";
import type { ArtifactSource } from "@/server/integrations/sagemaker/model-artifacts";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import type { EndpointSpec, VariantSpec } from "@/server/integrations/targets/deployment-target";

export const ROLE = "arn:aws:iam::123456789012:role/modelport-sagemaker";
export const ONNX_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/modelport-onnx:1.30";
export const VLLM_IMAGE = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/djl-inference:0.33.0-lmi15.0.0-cu128";
export const ENDPOINT_ARN = "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/fraud-detector";

export const testConfig = (overrides: Partial<SageMakerConfigInput> = {}): SageMakerConfigInput => ({
  region: "eu-west-1",
  executionRoleArn: ROLE,
  images: { ONNX: ONNX_IMAGE, VLLM: VLLM_IMAGE },
  modelDataS3Prefix: "s3://modelport-models/prod/",
  defaultInstanceType: "ml.m5.large",
  defaultInstanceCount: 2,
  rollbackAlarmNames: ["fraud-detector-5xx", "fraud-detector-p99"],
  maxExecutionSeconds: 7200,
  terminationWaitSeconds: 300,
  deletePollMs: 1,
  pollMs: 1,
  retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 },
  ...overrides,
});

export const variant = (version: number, weight: number, overrides: Partial<VariantSpec> = {}): VariantSpec => ({
  variantName: `fraud-xgb-v${version}`,
  modelName: "fraud-xgb",
  version,
  format: "ONNX",
  artifactUri: `s3://modelport-models/prod/fraud-xgb/v${version}/model.tar.gz`,
  artifactSha256: String(version).repeat(64).slice(0, 64),
  signature: { inputs: [{ name: "amount", type: "float32" }], outputs: [{ name: "score", type: "float32" }] },
  weight,
  ...overrides,
});

export const spec = (...variants: VariantSpec[]): EndpointSpec => ({ endpointName: "fraud-detector", variants });

/** Artifact bytes held in memory, by sha256; counts how often each was opened. */
export function memoryArtifacts(blobs: Record<string, Uint8Array> = {}) {
  const opened: string[] = [];
  const source: ArtifactSource = {
    size: async (sha256) => blobs[sha256]?.byteLength,
    open: async (sha256) => {
      opened.push(sha256);
      return Readable.from([Buffer.from(blobs[sha256] ?? [])]);
    },
  };
  return { source, opened };
}

/** Real SageMaker and S3 clients whose every call is answered by aws-sdk-client-mock. */
export function mockedTarget(overrides: Partial<SageMakerConfigInput> = {}, blobs: Record<string, Uint8Array> = {}) {
  const sagemakerClient = new SageMakerClient({ region: "eu-west-1" });
  const s3Client = new S3Client({ region: "eu-west-1" });
  const sagemaker = mockClient(sagemakerClient);
  // No endpoint here hosts inference components unless a test says so.
  sagemaker.on(ListInferenceComponentsCommand).resolves({ InferenceComponents: [] });
  const s3 = mockClient(s3Client);
  const artifacts = memoryArtifacts(blobs);
  const target = new SageMakerTarget(testConfig(overrides), {
    sagemaker: sagemakerClient,
    s3: s3Client,
    artifacts: artifacts.source,
  });
  return { sagemaker, s3, artifacts, target };
}

export function awsError(name: string, message: string, httpStatusCode = 400) {
  return new SageMakerServiceException({
    name,
    message,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode },
  });
}

export function s3Error(name: string, message: string, httpStatusCode: number) {
  return new S3ServiceException({
    name,
    message,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode },
  });
}

export const endpointNotFound = () => awsError("ValidationException", `Could not find endpoint "${ENDPOINT_ARN}".`);
export const alreadyExists = (kind: string, name: string) =>
  awsError(
    "ValidationException",
    `Cannot create already existing ${kind} "arn:aws:sagemaker:eu-west-1:123456789012:${kind}/${name}".`,
  );
export const throttled = () => awsError("ThrottlingException", "Rate exceeded");

export function liveEndpoint(overrides: Partial<DescribeEndpointCommandOutput> = {}): DescribeEndpointCommandOutput {
  return {
    $metadata: {},
    EndpointName: "fraud-detector",
    EndpointArn: ENDPOINT_ARN,
    EndpointConfigName: "fraud-detector-cfg-000000000000",
    EndpointStatus: "InService",
    CreationTime: new Date(0),
    LastModifiedTime: new Date(0),
    ProductionVariants: [
      {
        VariantName: "fraud-xgb-v1",
        CurrentWeight: 100,
        DesiredWeight: 100,
        CurrentInstanceCount: 2,
        DesiredInstanceCount: 2,
      },
    ],
    ...overrides,
  };
}

type MockedClient = ReturnType<typeof mockedTarget>["sagemaker"];

/** The commands the target sent, by name, in order (e.g. "CreateModel"). */
export function sentCommands(sagemaker: MockedClient): string[] {
  return sagemaker.calls().map((call) => String((call.args[0] as object).constructor.name).replace(/Command$/, ""));
}

const READ_ONLY = /^(Describe|List)/;
export const writeCommands = (sagemaker: MockedClient) =>
  sentCommands(sagemaker).filter((name) => !READ_ONLY.test(name));

export const desiredFor = (endpoint: EndpointSpec, overrides: Partial<SageMakerConfigInput> = {}) =>
  desiredEndpoint(endpoint, parseSageMakerConfig(testConfig(overrides)));
