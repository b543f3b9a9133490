import { createHash } from "node:crypto";
import {
  TransformInstanceType,
  type CreateTransformJobCommandInput,
  type CreateModelCommandInput,
  type Tag,
} from "@aws-sdk/client-sagemaker";
import { z } from "zod";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import {
  CsvFilterError,
  parseCsvFilter,
  selectColumns,
  type CsvFilter,
} from "@/server/integrations/sagemaker/csv-filter";
import { permanent } from "@/server/integrations/sagemaker/errors";
import { createModelInput } from "@/server/integrations/sagemaker/model-definition";
import {
  SAGEMAKER_NAME_PATTERN,
  TAG_ARTIFACT_SHA256,
  TAG_BATCH_JOB,
  TAG_VARIANT,
} from "@/server/integrations/sagemaker/names";

/** One batch inference run of a model version over a CSV object on S3, as SageMaker batch transform runs it. */
export type TransformSpec = {
  /** Modelport's id of the batch job; the TransformJobName is derived from it (transformJobName). */
  batchJobId: string;
  /** The version to run, as an endpoint's variant describes it: its SageMaker Model is created exactly as for one. */
  variant: VariantSpec;
  /** A CSV object whose first line is a header row; the rows after it are the records. */
  inputS3Uri: string;
  /** Where the output goes: `<outputS3Uri>/<input file name>.out`, the headerless input under `<outputS3Uri>/input/`. */
  outputS3Uri: string;
  contentType: "text/csv";
  instanceType: string;
  instanceCount: number;
  /** The largest mini-batch SageMaker sends the container, in MB (0–100, default 6); every record must fit in it. */
  maxPayloadInMB?: number;
  /** Which columns the model sees, e.g. "$[1:]" to leave out a key column (default "$": all). */
  inputFilter?: string;
  /** Which columns of the input line joined with its prediction are written, e.g. "$[0,-1]" (default "$": all). */
  outputFilter?: string;
  /**
   * Whose models these are: the Model's name and `modelport:endpoint` tag (names.ts, modelResourceName). Default
   * batchModelOwner(variant.modelName), so every batch job of a version shares one Model and never an endpoint's,
   * which deleting the endpoint would remove.
   */
  modelOwner?: string;
};

export const DEFAULT_MAX_PAYLOAD_MB = 6;
const MAX_PAYLOAD_MB = 100;
/** TransformResources.InstanceCount: "The default value is 1, and the maximum is 100." */
const MAX_INSTANCE_COUNT = 100;
const JOB_PREFIX = "modelport-batch-";
const MAX_NAME_LENGTH = 63;
const HASH_LENGTH = 12;

const TRANSFORM_INSTANCE_TYPES = Object.values(TransformInstanceType);
const s3Object = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*[^/]$/;
const s3Prefix = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;

const filterSchema = z
  .string()
  .optional()
  .superRefine((expression, context) => {
    if (expression === undefined) return;
    try {
      parseCsvFilter(expression);
    } catch (error) {
      if (!(error instanceof CsvFilterError)) throw error;
      context.addIssue({ code: "custom", message: error.message });
    }
  });

const specSchema = z.object({
  batchJobId: z.string().trim().min(1, "A batch job needs its id").max(200),
  inputS3Uri: z.string().regex(s3Object, "The input must be an S3 object: s3://bucket/key.csv"),
  outputS3Uri: z.string().regex(s3Prefix, "The output must be an S3 prefix: s3://bucket/optional/prefix"),
  contentType: z.literal("text/csv", { error: "Batch transform jobs read text/csv" }),
  instanceType: z.enum(TRANSFORM_INSTANCE_TYPES, {
    error: (issue) => `${String(issue.input)} is not a SageMaker batch transform instance type (e.g. ml.m5.large)`,
  }),
  instanceCount: z.number().int().min(1).max(MAX_INSTANCE_COUNT),
  maxPayloadInMB: z.number().int().min(0).max(MAX_PAYLOAD_MB).optional(),
  inputFilter: filterSchema,
  outputFilter: filterSchema,
  modelOwner: z.string().regex(SAGEMAKER_NAME_PATTERN, "modelOwner must be a SageMaker name").optional(),
});

/** Rejects a spec SageMaker would refuse, before anything is created or uploaded. */
export function assertValidTransformSpec(spec: TransformSpec): void {
  const parsed = specSchema.safeParse(spec);
  if (!parsed.success) throw permanent(`Invalid SageMaker batch transform spec:\n${z.prettifyError(parsed.error)}`);
}

const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, HASH_LENGTH);
const cleaned = (text: string) => text.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-+|-+$/g, "");

/** A SageMaker name from `prefix` and free text: the text as it is when it fits, else its cleaned start and a hash. */
function derivedName(prefix: string, text: string): string {
  const plain = `${prefix}${text}`;
  if (SAGEMAKER_NAME_PATTERN.test(plain)) return plain;
  const room = MAX_NAME_LENGTH - prefix.length - HASH_LENGTH - 1;
  const start = cleaned(text).slice(0, room).replace(/-+$/, "");
  return `${prefix}${start ? `${start}-` : ""}${digest(text)}`;
}

/** Same batch job → same name, so a retried worker finds the job it started; SageMaker never reuses a job name. */
export function transformJobName(batchJobId: string): string {
  return derivedName(JOB_PREFIX, batchJobId);
}

/** The owner of a version's batch Models: one per model, apart from every endpoint's. */
export function batchModelOwner(modelName: string): string {
  return derivedName("batch-", modelName);
}

const trimSlashes = (uri: string) => uri.replace(/\/+$/, "");
const fileNameOf = (uri: string) => uri.split("/").at(-1) ?? "";

/** Where the headerless copy of the input goes (SageMaker sends every line of its input to the model). */
export function stagedInputUri(spec: Pick<TransformSpec, "inputS3Uri" | "outputS3Uri">): string {
  return `${trimSlashes(spec.outputS3Uri)}/input/${fileNameOf(spec.inputS3Uri)}`;
}

/** Batch transform writes each input object's results to `<S3OutputPath>/<its file name>.out`. */
export function transformOutputUri(spec: Pick<TransformSpec, "inputS3Uri" | "outputS3Uri">): string {
  return `${trimSlashes(spec.outputS3Uri)}/${fileNameOf(spec.inputS3Uri)}.out`;
}

const filterOf = (expression: string | undefined): CsvFilter => parseCsvFilter(expression ?? "$");

/**
 * The output's columns, by name: the input's header (all of it, since JoinSource is Input) followed by one column per
 * model output, narrowed by the output filter. Assumes the container answers one value per output for each record,
 * as Modelport's tabular models do.
 */
export function transformOutputColumns(spec: TransformSpec, inputHeader: string[]): string[] {
  const joined = [...inputHeader, ...spec.variant.signature.outputs.map((output) => output.name)];
  const selected = selectColumns(filterOf(spec.outputFilter), joined.length);
  if (!selected) throw permanent(`The output filter ${spec.outputFilter} names a column the output does not have`);
  return selected.map((index) => joined[index] ?? "");
}

/** The input filter must keep at least one column of the header's and name none it lacks. */
export function assertFiltersFit(spec: TransformSpec, inputHeader: string[]): void {
  const selected = selectColumns(filterOf(spec.inputFilter), inputHeader.length);
  if (!selected?.length)
    throw permanent(
      `The input filter ${spec.inputFilter} does not fit the input's ${inputHeader.length} columns (${inputHeader.join(", ")})`,
    );
  transformOutputColumns(spec, inputHeader);
}

export type PlannedModel = CreateModelCommandInput & { ModelName: string };

export function transformModelInput(spec: TransformSpec, config: SageMakerConfig): PlannedModel {
  return createModelInput(spec.modelOwner ?? batchModelOwner(spec.variant.modelName), spec.variant, config);
}

function transformTags(spec: TransformSpec): Tag[] {
  return [
    { Key: TAG_BATCH_JOB, Value: spec.batchJobId },
    { Key: TAG_VARIANT, Value: spec.variant.variantName },
    { Key: TAG_ARTIFACT_SHA256, Value: spec.variant.artifactSha256 },
  ];
}

/**
 * The CreateTransformJob request: the headerless input split into lines and sent in mini-batches of as many records
 * as fit in MaxPayloadInMB; each output line is its input line (all of it) joined with the prediction, then filtered
 * (DataProcessing, JoinSource Input), one line per record (AssembleWith Line). With text/csv SageMaker needs
 * SplitType and AssembleWith Line and Accept text/csv to join. The input is one object we staged, named exactly, so
 * an S3Prefix of its key selects just it.
 */
export function createTransformJobInput(
  spec: TransformSpec,
  modelName: string,
  config: SageMakerConfig,
): CreateTransformJobCommandInput & { TransformJobName: string } {
  return {
    TransformJobName: transformJobName(spec.batchJobId),
    ModelName: modelName,
    MaxPayloadInMB: spec.maxPayloadInMB ?? DEFAULT_MAX_PAYLOAD_MB,
    BatchStrategy: "MultiRecord",
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: stagedInputUri(spec) } },
      ContentType: spec.contentType,
      CompressionType: "None",
      SplitType: "Line",
    },
    TransformOutput: {
      S3OutputPath: trimSlashes(spec.outputS3Uri),
      Accept: spec.contentType,
      AssembleWith: "Line",
      ...(config.s3KmsKeyId && { KmsKeyId: config.s3KmsKeyId }),
    },
    TransformResources: {
      InstanceType: spec.instanceType as TransformInstanceType,
      InstanceCount: spec.instanceCount,
    },
    DataProcessing: {
      InputFilter: spec.inputFilter ?? "$",
      JoinSource: "Input",
      OutputFilter: spec.outputFilter ?? "$",
    },
    Tags: transformTags(spec),
  };
}
