import type { CsvRecord } from "@/lib/csv/csv-byte-records";
import type { Lease } from "@/server/db/row-lease";
import { BatchInputError, featureRow, outputLine, type BatchColumns } from "@/server/services/batch/batch-columns";
import { predictRows, type RowResult } from "@/server/services/batch/batch-predict";
import type { BatchRuntime } from "@/server/services/batch/run-batch-job";

/** A part closes after this many rows or this long, whichever comes first: progress is recorded at least that often. */
const PART_MAX_ROWS = 100_000;
const PART_MAX_MS = 2_000;
/**
 * Predict requests in flight at once: the next batches are parsed and sent while the runtime scores the earlier ones
 * (with two, the runtime idled while this process parsed; bench/batch).
 */
export const BATCH_IN_FLIGHT = 4;
const MAX_ERROR_SAMPLES = 20;

export type LastPart = { index: number; firstRow: number; rowCount: number; inputEndOffset: number };
export type ErrorSample = { row: number; message: string };
type Job = { id: string; batchSize: number; maxFailedRows: number; rowsFailed: number; errorSamples: unknown };
type Batch = { records: CsvRecord[]; firstRow: number; results: Promise<RowResult[]> };
export type PartStep = "CONTINUE" | "CANCELLED";

/**
 * Turns input records into output parts: batches rows to the runtime (two requests in flight), writes each row's
 * output line in input order, and closes a part (stored, then recorded with where the input resumes) every
 * PART_MAX_ROWS rows or PART_MAX_MS. A cancel asked for is honoured when a part closes.
 */
export class PartWriter {
  private index: number;
  private nextRow: number;
  private partFirstRow: number;
  private lines: string[] = [];
  private partFailed = 0;
  private endOffset = 0;
  private waiting: CsvRecord[] = [];
  private inFlight: Batch[] = [];
  private partStartedAt = performance.now();
  private failedBefore: number;
  private samples: ErrorSample[];

  constructor(
    private readonly rt: BatchRuntime,
    private readonly lease: Lease,
    private readonly job: Job,
    private readonly columns: BatchColumns,
    private readonly endpointName: string,
    last: LastPart | undefined,
  ) {
    this.index = last ? last.index + 1 : 0;
    this.nextRow = last ? last.firstRow + last.rowCount : 0;
    this.partFirstRow = this.nextRow;
    this.failedBefore = job.rowsFailed;
    this.samples = Array.isArray(job.errorSamples) ? (job.errorSamples as ErrorSample[]) : [];
  }

  async add(records: readonly CsvRecord[]): Promise<PartStep> {
    for (const record of records) {
      this.waiting.push(record);
      if (this.waiting.length >= this.job.batchSize && (await this.send()) === "CANCELLED") return "CANCELLED";
    }
    return "CONTINUE";
  }

  /** Sends what is left, writes every answer and closes the last part. */
  async finish(): Promise<PartStep> {
    if (this.waiting.length > 0 && (await this.send()) === "CANCELLED") return "CANCELLED";
    while (this.inFlight.length > 0) if ((await this.drainOne()) === "CANCELLED") return "CANCELLED";
    return this.lines.length > 0 ? this.closePart() : "CONTINUE";
  }

  private async send(): Promise<PartStep> {
    const records = this.waiting;
    this.waiting = [];
    const firstRow = this.nextRow;
    this.nextRow += records.length;
    const parsed = records.map((record) => featureRow(record.fields, this.columns));
    const rows = parsed.flatMap((p) => ("json" in p ? [p.json] : []));
    const results = predictRows(this.rt.runtime, this.endpointName, rows).then((predicted) => {
      let next = 0;
      return parsed.map((p): RowResult => ("error" in p ? p : predicted[next++]!));
    });
    // Awaited in order by drainOne; until then a rejection must not count as unhandled.
    results.catch(() => undefined);
    this.inFlight.push({ records, firstRow, results });
    return this.inFlight.length >= BATCH_IN_FLIGHT ? this.drainOne() : "CONTINUE";
  }

  private async drainOne(): Promise<PartStep> {
    const batch = this.inFlight.shift()!;
    const results = await batch.results;
    batch.records.forEach((record, i) => {
      const result = results[i]!;
      const rowNumber = batch.firstRow + i + 1;
      if ("error" in result) {
        this.partFailed++;
        if (this.samples.length < MAX_ERROR_SAMPLES) this.samples.push({ row: rowNumber, message: result.error });
      }
      this.lines.push(outputLine(record.fields, rowNumber, this.columns, result));
    });
    this.endOffset = batch.records.at(-1)!.endOffset;
    const failed = this.failedBefore + this.partFailed;
    if (failed > this.job.maxFailedRows)
      throw new BatchInputError(
        `${failed} rows failed, more than the ${this.job.maxFailedRows} allowed (first: row ${this.samples[0]?.row}: ${this.samples[0]?.message})`,
      );
    if (this.lines.length >= PART_MAX_ROWS || performance.now() - this.partStartedAt >= PART_MAX_MS)
      return this.closePart();
    return "CONTINUE";
  }

  /** Stores the part's lines, then records it and the job's progress in one fenced transaction. */
  private async closePart(): Promise<PartStep> {
    const bytes = new TextEncoder().encode(this.lines.join(""));
    const blob = await this.rt.artifacts.put(new Blob([bytes]).stream(), { maxBytes: bytes.length });
    const rowCount = this.lines.length;
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
    this.lines = [];
    this.partStartedAt = performance.now();
    return status === "CANCELLING" ? "CANCELLED" : "CONTINUE";
  }
}
