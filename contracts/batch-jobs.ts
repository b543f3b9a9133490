import { z } from "zod";

export const BATCH_JOB_STATUSES = ["QUEUED", "RUNNING", "CANCELLING", "CANCELLED", "FAILED", "SUCCEEDED"] as const;
export type BatchJobStatus = (typeof BATCH_JOB_STATUSES)[number];
/** A job in one of these may be resumed (it continues after its last written part). */
export const RESUMABLE_BATCH_STATUSES: readonly BatchJobStatus[] = ["CANCELLED", "FAILED"];
export const ACTIVE_BATCH_STATUSES: readonly BatchJobStatus[] = ["QUEUED", "RUNNING", "CANCELLING"];

export const BATCH_TARGETS = ["LOCAL", "SAGEMAKER"] as const;

/** Rows per predict request on the local runtime (its own limit is 10,000). */
export const MAX_BATCH_SIZE = 10_000;
export const DEFAULT_BATCH_SIZE = 2_000;
/** Output columns added after the key columns: the row's number in the input, then any error. */
export const BATCH_ROW_COLUMN = "_row";
export const BATCH_ERROR_COLUMN = "_error";

/** A dataset's file name as uploaded: kept in the artifact path, so a plain name. */
export const datasetFileNameSchema = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.csv$/,
    "a file name of letters, digits, dots, dashes or underscores, ending .csv",
  );

export const createBatchJobInput = z.object({
  modelName: z.string().min(1).max(200),
  version: z.number().int().min(1),
  /** An uploaded dataset (POST /models/{name}/datasets). */
  inputArtifactId: z.string().min(1).max(100),
  /** Input columns copied into every output row, so results join back to the input (e.g. a transaction id). */
  keyColumns: z.array(z.string().trim().min(1).max(200)).min(1).max(10),
  target: z.enum(BATCH_TARGETS).default("LOCAL"),
  batchSize: z.number().int().min(1).max(MAX_BATCH_SIZE).default(DEFAULT_BATCH_SIZE),
  /** Rows the runtime may refuse (they are written with their error) before the job fails. */
  maxFailedRows: z.number().int().min(0).max(10_000_000).default(1_000),
});
export type CreateBatchJobInput = z.input<typeof createBatchJobInput>;

/** A header a cross-site form cannot send: with the session cookie alone, no other site can upload in your name. */
export const DATASET_UPLOAD_HEADER = "x-modelport-upload";
