import { z } from "zod";
import { BATCH_JOB_STATUSES, BATCH_TARGETS } from "@/contracts/batch-jobs";

export const batchJobIdInput = z.object({ jobId: z.string().min(1).max(100) });

export const listBatchJobsInput = z.object({
  modelName: z.string().min(1).max(200),
  version: z.number().int().min(1).optional(),
  status: z.enum(BATCH_JOB_STATUSES).optional(),
  /** Keyset paging: the last job of the previous page (newest first). */
  after: z.string().min(1).max(100).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});

const artifactRef = z.object({ id: z.string(), path: z.string(), sizeBytes: z.number(), sha256: z.string() });

export const batchJobView = z.object({
  id: z.string(),
  modelName: z.string(),
  version: z.number().int(),
  target: z.enum(BATCH_TARGETS),
  status: z.enum(BATCH_JOB_STATUSES),
  keyColumns: z.array(z.string()),
  batchSize: z.number().int(),
  maxFailedRows: z.number().int(),
  input: artifactRef,
  output: artifactRef.nullable(),
  inputBytes: z.number(),
  bytesDone: z.number(),
  rowsDone: z.number().int(),
  rowsFailed: z.number().int(),
  /** Rows per second over the current (or last) run, and seconds left at that rate; null before there is a rate. */
  rowsPerSecond: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  /** The share of the input read, 0–1 (by bytes: the row count is known only at the end). */
  progress: z.number(),
  errorSamples: z.array(z.object({ row: z.number().int(), message: z.string() })),
  failureReason: z.string().nullable(),
  attempts: z.number().int(),
  externalJobName: z.string().nullable(),
  createdBy: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
});
export type BatchJobView = z.infer<typeof batchJobView>;

export const batchJobListOutput = z.object({ items: z.array(batchJobView), nextCursor: z.string().nullable() });

export const datasetOutput = z.object({
  id: z.string(),
  path: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  /** The header's column names, so a caller can pick key columns. */
  columns: z.array(z.string()),
});
export type DatasetView = z.infer<typeof datasetOutput>;
