import { CsvRecordBatches, type CsvRecordBatch } from "@/lib/csv/csv-record-batches";
import type { Lease } from "@/server/db/row-lease";
import { BatchInputError, type BatchColumns } from "@/server/services/batch/batch-columns";
import { scoreRecords, type ScoredRecords } from "@/server/services/batch/batch-predict";
import type { BatchRuntime } from "@/server/services/batch/run-batch-job";

/** A part closes after this many rows or this long, whichever comes first: progress is recorded at least that often. */
const PART_MAX_ROWS = 100_000;
const PART_MAX_MS = 2_000;
/**
 * Requests in flight at once: the next batches are cut and sent while the runtime scores the earlier ones (with two,
 * the runtime idled while this process parsed; bench/batch).
 */
export const BATCH_IN_FLIGHT = 4;
/** A batch's records are sent whole, every column: a batch also closes at this many bytes (the runtime takes 16 MiB). */
const BATCH_MAX_BYTES = 8 * 1024 * 1024;
const MAX_ERROR_SAMPLES = 20;

export type LastPart = { index: number; firstRow: number; rowCount: number; inputEndOffset: number };
export type ErrorSample = { row: number; message: string };
type Job = { id: string; batchSize: number; maxFailedRows: number; rowsFailed: number; errorSamples: unknown };
type InFlight = { batch: CsvRecordBatch; firstRow: number; answer: Promise<ScoredRecords> };
export type PartStep = "CONTINUE" | "CANCELLED";

/**
 * Turns the dataset's bytes into output parts: cuts them into batches of whole records, has the runtime score each
 * batch and write its output lines (several requests in flight), keeps the answers in input order, and closes a part
 * (stored, then recorded with where the input resumes) every PART_MAX_ROWS rows or PART_MAX_MS. A cancel asked for
 * is honoured when a part closes.
 */
export class PartWriter {
  private index: number;
  private nextRow: number;
  private partFirstRow: number;
  private answers: string[] = [];
  private partRows = 0;
  private partFailed = 0;
  private endOffset = 0;
  private readonly batches: CsvRecordBatches;
  private inFlight: InFlight[] = [];
  private partStartedAt = performance.now();
  private failedBefore: number;
  private samples: ErrorSample[];

  constructor(
    private readonly rt: BatchRuntime,
    private readonly lease: Lease,
    private readonly job: Job,
    private readonly columns: BatchColumns,
    private readonly endpointName: string,
    start: { offset: number; last: LastPart | undefined },
  ) {
    const { last } = start;
    this.index = last ? last.index + 1 : 0;
    this.nextRow = last ? last.firstRow + last.rowCount : 0;
    this.partFirstRow = this.nextRow;
    this.failedBefore = job.rowsFailed;
    this.samples = Array.isArray(job.errorSamples) ? (job.errorSamples as ErrorSample[]) : [];
    this.batches = new CsvRecordBatches(job.batchSize, start.offset, BATCH_MAX_BYTES);
  }

  /** Reads a chunk of the dataset, scoring every batch of records it completes. */
  async add(chunk: Uint8Array): Promise<PartStep> {
    for (const batch of this.batches.push(chunk)) if ((await this.send(batch)) === "CANCELLED") return "CANCELLED";
    return "CONTINUE";
  }

  /** Sends what is left, writes every answer and closes the last part. */
  async finish(): Promise<PartStep> {
    for (const batch of this.batches.end()) if ((await this.send(batch)) === "CANCELLED") return "CANCELLED";
    while (this.inFlight.length > 0) if ((await this.drainOne()) === "CANCELLED") return "CANCELLED";
    return this.partRows > 0 ? this.closePart() : "CONTINUE";
  }

  private async send(batch: CsvRecordBatch): Promise<PartStep> {
    const firstRow = this.nextRow;
    this.nextRow += batch.rows;
    const options = {
      inputColumns: this.columns.inputs.map((input) => input.index),
      echoColumns: this.columns.keys.map((key) => key.index),
      firstRow: firstRow + 1,
      rowErrors: "column" as const,
    };
    const bytes = new Uint8Array(batch.bytes);
    const answer = scoreRecords(this.rt.runtime, this.endpointName, bytes, options, batch.rows);
    // Awaited in order by drainOne; until then a rejection must not count as unhandled.
    answer.catch(() => undefined);
    this.inFlight.push({ batch, firstRow, answer });
    return this.inFlight.length >= BATCH_IN_FLIGHT ? this.drainOne() : "CONTINUE";
  }

  private async drainOne(): Promise<PartStep> {
    const { batch, firstRow, answer } = this.inFlight.shift()!;
    const scored = await answer;
    this.answers.push(scored.lines);
    this.partRows += batch.rows;
    this.partFailed += scored.failed;
    for (const sample of scored.samples)
      if (this.samples.length < MAX_ERROR_SAMPLES)
        this.samples.push({ row: firstRow + sample.rowIndex + 1, message: sample.message });
    this.endOffset = batch.endOffset;
    const failed = this.failedBefore + this.partFailed;
    if (failed > this.job.maxFailedRows)
      throw new BatchInputError(
        `${failed} rows failed, more than the ${this.job.maxFailedRows} allowed (first: row ${this.samples[0]?.row}: ${this.samples[0]?.message})`,
      );
    if (this.partRows >= PART_MAX_ROWS || performance.now() - this.partStartedAt >= PART_MAX_MS)
      return this.closePart();
    return "CONTINUE";
  }

  /** Stores the part's lines, then records it and the job's progress in one fenced transaction. */
  private async closePart(): Promise<PartStep> {
    const bytes = new TextEncoder().encode(this.answers.join(""));
    const blob = await this.rt.artifacts.put(new Blob([bytes]).stream(), { maxBytes: bytes.length });
    const rowCount = this.partRows;
    const status = await this.rt.db.$transaction(async (tx) => {
      await this.lease.fence(tx);
      await tx.batchJobPart.create({
        data: {
          jobId: this.job.id,
          index: this.index,
          firstRow: this.partFirstRow,
          rowCount,
          failedRows: this.partFailed,
          inputEndOffset: this.endOffset,
          sha256: blob.sha256,
          sizeBytes: blob.sizeBytes,
        },
      });
      const job = await tx.batchJob.update({
        where: { id: this.job.id },
        data: {
          rowsDone: { increment: rowCount },
          rowsFailed: { increment: this.partFailed },
          bytesDone: this.endOffset,
          errorSamples: this.samples,
        },
        select: { status: true },
      });
      return job.status;
    });
    this.index++;
    this.partFirstRow += rowCount;
    this.failedBefore += this.partFailed;
    this.partFailed = 0;
    this.partRows = 0;
    this.answers = [];
    this.partStartedAt = performance.now();
    return status === "CANCELLING" ? "CANCELLED" : "CONTINUE";
  }
}
