import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { Readable } from "node:stream";
import { CsvByteRecords, csvLine, type CsvRecord } from "@/lib/csv/csv-byte-records";
import { chunksOf, streamOf } from "@/lib/web-streams";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { parseS3Uri } from "@/server/integrations/sagemaker/model-artifacts";
import type { ArtifactStore, StoredBlob } from "@/server/services/artifacts/artifact-store";
import {
  BatchInputError,
  featureRow,
  outputHeader,
  outputLine,
  type BatchColumns,
} from "@/server/services/batch/batch-columns";
import type { ErrorSample } from "@/server/services/batch/part-writer";
import type { transformLayout } from "@/server/services/batch/transform-plan";

const MAX_ERROR_SAMPLES = 20;
const MB = 1024 * 1024;
const FLUSH_BYTES = 256 * 1024;

type Layout = ReturnType<typeof transformLayout>;
type Dataset = { sha256: string; inputBytes: number; dataStart: number };
type Job = { id: string; maxFailedRows: number };

/** The CSV records of a byte stream, in order. */
async function* csvRecords(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<CsvRecord> {
  const records = new CsvByteRecords();
  for await (const chunk of chunks) yield* records.push(chunk);
  yield* records.end();
}

async function* datasetRows(artifacts: ArtifactStore, dataset: Dataset): AsyncGenerator<CsvRecord> {
  if (dataset.dataStart >= dataset.inputBytes) return;
  const stream = await artifacts.getRange(dataset.sha256, { start: dataset.dataStart, end: dataset.inputBytes - 1 });
  yield* csvRecords(chunksOf(stream));
}

/** Joins lines into chunks of about FLUSH_BYTES. */
async function* batched(lines: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let size = 0;
  for await (const line of lines) {
    pending.push(line);
    size += line.length;
    if (size >= FLUSH_BYTES) {
      yield encoder.encode(pending.join(""));
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) yield encoder.encode(pending.join(""));
}

/** Counts the rows the model cannot take (written with their error, as on the local runtime), failing past the limit. */
class RowFailures {
  count = 0;
  samples: ErrorSample[] = [];

  constructor(private readonly job: Job) {}

  add(row: number, message: string) {
    this.count++;
    if (this.samples.length < MAX_ERROR_SAMPLES) this.samples.push({ row, message });
    if (this.count > this.job.maxFailedRows)
      throw new BatchInputError(
        `${this.count} rows failed, more than the ${this.job.maxFailedRows} allowed (first: row ${this.samples[0]?.row}: ${this.samples[0]?.message})`,
      );
  }
}

/**
 * Streams the dataset's rows to S3 as the transform reads them (layout.header, then each row the model can take,
 * holding only the key and input cells), so a worker never holds the file. Refused before SageMaker sees anything: a
 * cell with a line break (SageMaker splits its input by line), a row larger than a mini-batch, too many bad rows.
 * Answers how many rows went up.
 */
export async function uploadTransformInput(
  artifacts: ArtifactStore,
  s3: S3Client,
  config: SageMakerConfig,
  job: Job,
  dataset: Dataset,
  columns: BatchColumns,
  layout: Layout,
  target: { uri: string; maxPayloadInMB: number },
): Promise<number> {
  const failures = new RowFailures(job);
  let sent = 0;
  async function* lines() {
    yield layout.header;
    let row = 0;
    for await (const record of datasetRows(artifacts, dataset)) {
      row++;
      const parsed = featureRow(record.fields, columns);
      if ("error" in parsed) {
        failures.add(row, parsed.error);
        continue;
      }
      const cells = layout.cells(record.fields);
      if (cells.some((cell) => /[\r\n]/.test(cell)))
        throw new BatchInputError(`Row ${row}: a key or input cell holds a line break, which SageMaker cannot split`);
      const line = csvLine(cells);
      if (Buffer.byteLength(line) > target.maxPayloadInMB * MB)
        throw new BatchInputError(`Row ${row} is larger than SageMaker's ${target.maxPayloadInMB} MB mini-batch`);
      sent++;
      yield line;
    }
  }
  const encryption = config.s3KmsKeyId
    ? { ServerSideEncryption: "aws:kms" as const, SSEKMSKeyId: config.s3KmsKeyId }
    : { ServerSideEncryption: "AES256" as const };
  await new Upload({
    client: s3,
    params: {
      ...parseS3Uri(target.uri),
      Body: Readable.from(batched(lines())),
      ContentType: "text/csv",
      ...encryption,
    },
    partSize: config.s3PartSizeBytes,
    queueSize: 2,
  }).done();
  return sent;
}

/** The object's size and its bytes, streamed. */
async function openObject(s3: S3Client, uri: string) {
  const answer = await s3.send(new GetObjectCommand(parseS3Uri(uri)));
  const body = answer.Body as Readable | undefined;
  if (!body) throw new Error(`GetObject of ${uri} answered no body`);
  async function* chunks(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body!) yield chunk as Uint8Array;
    } finally {
      body!.destroy();
    }
  }
  return { bytes: answer.ContentLength ?? 0, chunks: chunks(), close: () => body.destroy() };
}

export type TransformOutput = { blob: StoredBlob; rows: number; failed: number; samples: ErrorSample[] };

/**
 * Writes the job's output in the local runtime's layout (key columns, `_row`, outputs, `_error`) from the transform's
 * output lines (`outputUri`, or none when no row went up), which are in input order (AssembleWith Line): the dataset is
 * read again alongside, each row the model could not take written with its error, each other row checked to carry
 * the very keys of its input row, so the output joins back exactly or the job fails.
 */
export async function writeTransformOutput(
  artifacts: ArtifactStore,
  s3: S3Client,
  job: Job,
  dataset: Dataset,
  columns: BatchColumns,
  outputUri: string | undefined,
): Promise<TransformOutput> {
  const failures = new RowFailures({ ...job, maxFailedRows: Number.MAX_SAFE_INTEGER });
  const object = outputUri ? await openObject(s3, outputUri) : undefined;
  const transformed = object && csvRecords(object.chunks);
  const width = columns.keys.length + columns.outputs.length;
  let rows = 0;
  async function* lines() {
    try {
      yield outputHeader(columns);
      for await (const record of datasetRows(artifacts, dataset)) {
        rows++;
        const parsed = featureRow(record.fields, columns);
        if ("error" in parsed) {
          failures.add(rows, parsed.error);
          yield outputLine(record.fields, rows, columns, parsed);
          continue;
        }
        const next = await transformed?.next();
        if (!next || next.done) throw new BatchInputError(`The transform's output ends before input row ${rows}`);
        const keys = columns.keys.map((key) => record.fields[key.index] ?? "");
        const answer = next.value.fields;
        if (answer.length !== width || keys.some((key, i) => answer[i] !== key))
          throw new BatchInputError(`The transform's output line for input row ${rows} does not match it: ${answer}`);
        yield csvLine([...keys, String(rows), ...answer.slice(keys.length), ""]);
      }
      if (transformed && !(await transformed.next()).done)
        throw new BatchInputError(`The transform's output has more lines than the input's ${rows} rows`);
    } finally {
      object?.close();
    }
  }
  // A line is its transform line (or input row) with its row number added: at most 12 bytes more, rows of 2 bytes or more.
  const maxBytes = 2 * (object?.bytes ?? 0) + 8 * dataset.inputBytes + MB;
  const blob = await artifacts.put(streamOf(batched(lines())), { maxBytes });
  return { blob, rows, failed: failures.count, samples: failures.samples };
}
