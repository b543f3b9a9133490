import { AppError } from "@/server/errors";

/** The parts of an AWS SDK v3 service error (or a network error) that decide what to do with it. */
type AwsErrorShape = {
  name: string;
  message: string;
  code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
};

const THROTTLING_ERRORS = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
  "PriorRequestNotComplete",
]);
const TRANSIENT_ERRORS = new Set([
  "InternalFailure",
  "InternalServerError",
  "ServiceUnavailable",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
]);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND"]);

function asAwsError(error: unknown): AwsErrorShape {
  if (error instanceof Error) return error as AwsErrorShape;
  return { name: "UnknownError", message: String(error) };
}

/** Refused before it was carried out: throttling (a request that may otherwise have run stays at one attempt). */
export function isThrottlingError(error: unknown): boolean {
  const aws = asAwsError(error);
  return !!aws.$retryable?.throttling || THROTTLING_ERRORS.has(aws.name) || aws.$metadata?.httpStatusCode === 429;
}

/** Throttling, 5xx and dropped connections are worth another try; validation and permission errors are not. */
export function isRetryableAwsError(error: unknown): boolean {
  const aws = asAwsError(error);
  if (aws.$retryable || THROTTLING_ERRORS.has(aws.name) || TRANSIENT_ERRORS.has(aws.name)) return true;
  if (aws.code !== undefined && NETWORK_CODES.has(aws.code)) return true;
  const status = aws.$metadata?.httpStatusCode;
  return status !== undefined && TRANSIENT_STATUS.has(status);
}

/** A SageMaker call that failed for good: which operation, what AWS said, and whether retries ran out. */
export class SageMakerRequestError extends Error {
  readonly awsErrorName: string;
  readonly awsMessage: string;
  readonly httpStatus?: number;

  constructor(
    readonly operation: string,
    error: unknown,
    readonly attempts: number,
  ) {
    const aws = asAwsError(error);
    const retried = attempts > 1 ? ` after ${attempts} attempts` : "";
    super(`SageMaker ${operation} failed${retried}: ${aws.name}: ${aws.message}`, { cause: error });
    this.name = "SageMakerRequestError";
    this.awsErrorName = aws.name;
    this.awsMessage = aws.message;
    this.httpStatus = aws.$metadata?.httpStatusCode;
  }
}

/** SageMaker reports most missing resources as a ValidationException ("Could not find endpoint ..."). */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof SageMakerRequestError)) return false;
  if (error.awsErrorName === "ResourceNotFound") return true;
  return error.awsErrorName === "ValidationException" && /could not find/i.test(error.awsMessage);
}

/** "Cannot create already existing model/endpoint configuration/endpoint ..." */
export function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof SageMakerRequestError &&
    error.awsErrorName === "ValidationException" &&
    /already existing/i.test(error.awsMessage)
  );
}

/**
 * A request SageMaker can never carry out as asked (an invalid spec or rollout, a missing setting, an endpoint only
 * DeleteEndpoint can touch): `retryable: false` tells the deployment to stop instead of retrying.
 */
export class PermanentTargetError extends AppError {
  readonly retryable = false;

  constructor(message: string, code: "BAD_REQUEST" | "CONFLICT" = "BAD_REQUEST") {
    super(code, message);
    this.name = "PermanentTargetError";
  }
}

export const permanent = (message: string) => new PermanentTargetError(message);

/** Why a model artifact could not be put where SageMaker reads it; `retryable` is false when trying again cannot help. */
export class ModelArtifactError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelArtifactError";
  }
}

/** What to check when S3 refuses, by what it said (HEAD answers carry no body, hence the status fallback). */
function s3Hint(aws: AwsErrorShape): string {
  if (aws.name === "NoSuchBucket") return " The bucket does not exist: check MODELPORT_SAGEMAKER_S3_PREFIX.";
  if (aws.name.startsWith("KMS"))
    return " Check MODELPORT_SAGEMAKER_S3_KMS_KEY_ID and that the worker may use that key (kms:GenerateDataKey).";
  if (aws.name === "AccessDenied" || aws.$metadata?.httpStatusCode === 403) {
    return " The worker's AWS credentials need s3:GetObject, s3:PutObject and s3:ListBucket on it (without s3:ListBucket S3 answers 403 for a missing object).";
  }
  return "";
}

/** An S3 call for an artifact that failed for good, naming the operation, the object and what to check. */
export function s3RequestError(operation: string, uri: string, error: unknown, attempts: number): ModelArtifactError {
  const aws = asAwsError(error);
  const status = aws.$metadata?.httpStatusCode;
  const retried = attempts > 1 ? ` after ${attempts} attempts` : "";
  const what = `${aws.name}${status !== undefined ? ` (HTTP ${status})` : ""}: ${aws.message}`;
  return new ModelArtifactError(
    `S3 ${operation} of ${uri} failed${retried}: ${what}.${s3Hint(aws)}`,
    isRetryableAwsError(error),
    { cause: error },
  );
}

const failedWith = (name: string) => (error: unknown) =>
  error instanceof SageMakerRequestError && error.awsErrorName === name;
/** Application Auto Scaling: no such scalable target or policy. */
export const isObjectNotFound = failedWith("ObjectNotFoundException");
/** CloudWatch: no such alarm. */
export const isAlarmNotFound = failedWith("ResourceNotFound");

/** A catch handler that swallows the expected error (a delete of what is already gone) and rethrows the rest. */
export function ignoreWhen(expected: (error: unknown) => boolean) {
  return (error: unknown): void => {
    if (!expected(error)) throw error;
  };
}
