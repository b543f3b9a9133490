import { CsvFilterError, parseCsvFilter } from "@/server/integrations/sagemaker/csv-filter";
import { ApiError, invalid } from "@/tests/integration/sagemaker/fake-aws-error";
import type { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { scoreTransformInput, type TransformRequest } from "@/tests/integration/sagemaker/fake-transform-container";

type Body = Record<string, unknown>;
type Outcome = { ok: true; outputs: Map<string, Buffer> } | { ok: false; reason: string };

type Job = {
  name: string;
  arn: string;
  request: TransformRequest;
  status: "InProgress" | "Completed" | "Failed" | "Stopping" | "Stopped";
  failureReason?: string;
  createdAt: number;
  endedAt?: number;
  /** The job's instances have run for their (scaled) time from here on. */
  doneAt: number;
  stoppedAt?: number;
  outcome?: Outcome;
};

const NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const ENUMS: [string, (request: TransformRequest) => unknown, string[]][] = [
  ["batchStrategy", (r) => r.BatchStrategy, ["MultiRecord", "SingleRecord"]],
  ["dataProcessing.joinSource", (r) => r.DataProcessing?.JoinSource, ["Input", "None"]],
  ["transformInput.splitType", (r) => r.TransformInput?.SplitType, ["None", "Line", "RecordIO", "TFRecord"]],
  ["transformInput.compressionType", (r) => r.TransformInput?.CompressionType, ["None", "Gzip"]],
  ["transformOutput.assembleWith", (r) => r.TransformOutput?.AssembleWith, ["None", "Line"]],
  [
    "transformInput.dataSource.s3DataSource.s3DataType",
    (r) => r.TransformInput?.DataSource?.S3DataSource?.S3DataType,
    ["ManifestFile", "S3Prefix", "AugmentedManifestFile"],
  ],
];

/**
 * The request's constraint violations, worded as AWS words them ("1 validation error detected: Value 'x' at 'field'
 * failed to satisfy constraint: ..."), from the API reference of CreateTransformJob, TransformResources and
 * DataProcessing: name pattern, MaxPayloadInMB 0–100, InstanceCount ≥ 1 (at most 100), the enums, filters of at most
 * 63 characters, and MaxConcurrentTransforms × MaxPayloadInMB ≤ 100 MB.
 */
function violations(request: TransformRequest): string[] {
  const found: string[] = [];
  const name = request.TransformJobName ?? "";
  if (!NAME_PATTERN.test(name))
    found.push(
      `Value '${name}' at 'transformJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`,
    );
  const payload = request.MaxPayloadInMB;
  if (payload !== undefined && payload > 100)
    found.push(
      `Value '${payload}' at 'maxPayloadInMB' failed to satisfy constraint: Member must have value less than or equal to 100`,
    );
  if (payload !== undefined && payload < 0)
    found.push(
      `Value '${payload}' at 'maxPayloadInMB' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  const count = request.TransformResources?.InstanceCount ?? 0;
  if (count < 1)
    found.push(
      `Value '${count}' at 'transformResources.instanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  for (const [field, read, allowed] of ENUMS) {
    const value = read(request);
    if (value !== undefined && !allowed.includes(String(value)))
      found.push(
        `Value '${String(value)}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(", ")}]`,
      );
  }
  for (const key of ["InputFilter", "OutputFilter"] as const) {
    const filter = request.DataProcessing?.[key] ?? "";
    if (filter.length > 63)
      found.push(
        `Value '${filter}' at 'dataProcessing.${key[0]?.toLowerCase()}${key.slice(1)}' failed to satisfy constraint: Member must have length less than or equal to 63`,
      );
  }
  return found;
}

/** Rules that are not field constraints (CreateTransformJob's MaxPayloadInMB and BatchStrategy descriptions). */
function checkCombinations(request: TransformRequest) {
  const concurrent = request.MaxConcurrentTransforms ?? 0;
  if (concurrent > 0 && concurrent * (request.MaxPayloadInMB ?? 6) > 100)
    throw invalid("MaxConcurrentTransforms * MaxPayloadInMB must not exceed 100 MB.");
  if (request.TransformInput?.ContentType === "text/csv") {
    for (const key of ["InputFilter", "OutputFilter"] as const) {
      try {
        parseCsvFilter(request.DataProcessing?.[key] ?? "$");
      } catch (error) {
        if (!(error instanceof CsvFilterError)) throw error;
        // SageMaker documents index-only paths for CSV; when it rejects others is not documented: the stand-in at once.
        throw invalid(`${key}: ${error.message}`);
      }
    }
  }
  const split = request.TransformInput?.SplitType ?? "None";
  if (request.BatchStrategy !== undefined && split === "None")
    throw invalid(
      "BatchStrategy needs SplitType Line, RecordIO or TFRecord: with SplitType None every object is one record.",
    );
}

/**
 * SageMaker's batch transform as the stand-in models it: CreateTransformJob checks the request as the API reference
 * describes (see violations), refuses a name already used (ResourceInUse: job names are never reused, even after the
 * job ends) and a model that does not exist; the job is InProgress for its (scaled) run time, then Completed with its
 * output written to the stand-in S3, or Failed with the container's reason; StopTransformJob makes an InProgress job
 * Stopping, then Stopped, with no output written (API reference: "Amazon SageMaker doesn't store the job's output").
 * The records are really scored: see fake-transform-container.ts.
 */
export class FakeTransformJobs {
  private readonly jobs = new Map<string, Job>();
  private runMs: number;

  constructor(
    private readonly arnOf: (kind: string, name: string) => string,
    private readonly model: (name: string) => Body | undefined,
    private readonly transitionMs: number,
    private s3?: FakeS3,
  ) {
    this.runMs = transitionMs;
  }

  useS3(s3: FakeS3) {
    this.s3 = s3;
  }

  /** How long a job's instances run before it completes (even when the scoring itself is done sooner). */
  setRunTime(ms: number) {
    this.runMs = ms;
  }

  names(): string[] {
    return [...this.jobs.keys()];
  }

  create(body: Body): Body {
    const request = body as TransformRequest;
    const problems = violations(request);
    if (problems.length > 0)
      throw invalid(
        `${problems.length} validation error${problems.length > 1 ? "s" : ""} detected: ${problems.join("; ")}`,
      );
    checkCombinations(request);
    const name = request.TransformJobName ?? "";
    const arn = this.arnOf("transform-job", name);
    if (this.jobs.has(name))
      throw new ApiError(
        "ResourceInUse",
        `Job name must be unique within an AWS account and region, and a job with this name already exists (${arn})`,
      );
    const model = this.model(request.ModelName ?? "");
    if (!model) throw invalid(`Could not find model "${this.arnOf("model", request.ModelName ?? "")}".`);
    const now = Date.now();
    const job: Job = { name, arn, request, status: "InProgress", createdAt: now, doneAt: now + this.runMs };
    this.jobs.set(name, job);
    const s3 = this.s3;
    void (s3 ? scoreTransformInput(request, model, s3) : Promise.resolve(noS3())).then(
      (outcome) => (job.outcome = outcome),
      (error: unknown) => (job.outcome = { ok: false, reason: `InternalServerError: ${String(error)}` }),
    );
    return { TransformJobArn: arn };
  }

  describe(name: string): Body {
    const job = this.find(name);
    return {
      ...job.request,
      TransformJobArn: job.arn,
      TransformJobStatus: job.status,
      ...(job.failureReason && { FailureReason: job.failureReason }),
      CreationTime: job.createdAt / 1000,
      TransformStartTime: job.createdAt / 1000,
      ...(job.endedAt && { TransformEndTime: job.endedAt / 1000 }),
    };
  }

  /** Stopping a job that already ended is refused; whether SageMaker refuses or ignores it is not documented. */
  stop(name: string): Body {
    const job = this.find(name);
    if (job.status === "Stopping") return {};
    if (job.status !== "InProgress")
      throw invalid(`Transform job ${name} has already ended (${job.status}); only an InProgress job can be stopped.`);
    job.status = "Stopping";
    job.stoppedAt = Date.now() + this.transitionMs;
    return {};
  }

  advance(now: number) {
    for (const job of this.jobs.values()) {
      if (job.status === "Stopping" && now >= (job.stoppedAt ?? 0)) this.end(job, "Stopped", now);
      if (job.status !== "InProgress" || now < job.doneAt || !job.outcome) continue;
      if (!job.outcome.ok) {
        job.failureReason = job.outcome.reason;
        this.end(job, "Failed", now);
        continue;
      }
      for (const [path, body] of job.outcome.outputs)
        this.s3?.objects.set(path, { body, headers: { "content-type": "text/csv" } });
      this.end(job, "Completed", now);
    }
  }

  private end(job: Job, status: Job["status"], now: number) {
    job.status = status;
    job.endedAt = now;
  }

  private find(name: string): Job {
    const job = this.jobs.get(name);
    if (!job) throw new ApiError("ResourceNotFound", `Could not find requested job with name ${name}`);
    return job;
  }
}

const noS3 = (): Outcome => ({ ok: false, reason: "ClientError: the stand-in has no S3 to read the input from" });
