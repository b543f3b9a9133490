import { csvField } from "@/lib/csv/csv-byte-records";
import * as ort from "onnxruntime-node";
import {
  parseCsvFilter,
  selectColumns,
  splitCsvLine,
  unquoteCsvField,
  type CsvFilter,
} from "@/server/integrations/sagemaker/csv-filter";
import type { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";

type Body = Record<string, unknown>;
export type TransformRequest = {
  TransformJobName?: string;
  ModelName?: string;
  MaxConcurrentTransforms?: number;
  MaxPayloadInMB?: number;
  BatchStrategy?: string;
  TransformInput?: {
    DataSource?: { S3DataSource?: { S3DataType?: string; S3Uri?: string } };
    ContentType?: string;
    CompressionType?: string;
    SplitType?: string;
  };
  TransformOutput?: { S3OutputPath?: string; Accept?: string; AssembleWith?: string };
  TransformResources?: { InstanceType?: string; InstanceCount?: number };
  DataProcessing?: { InputFilter?: string; JoinSource?: string; OutputFilter?: string };
};
type Outcome = { ok: true; outputs: Map<string, Buffer> } | { ok: false; reason: string };
type Container = {
  ModelDataUrl?: string;
  ModelDataSource?: { S3DataSource?: { S3Uri?: string; S3DataType?: string; CompressionType?: string } };
};

const MB = 1024 * 1024;

class ContainerError extends Error {}
const clientError = (message: string) => new ContainerError(`ClientError: ${message}`);

const objectPath = (uri: string) => `/${uri.replace(/^s3:\/\//, "")}`;

/** The model's bytes: an uncompressed single-file model (ModelDataSource S3Object), as ONNX versions are packaged. */
function modelBytes(model: Body, s3: FakeS3): Uint8Array {
  const container = (model.PrimaryContainer ?? {}) as Container;
  const source = container.ModelDataSource?.S3DataSource;
  if (!source?.S3Uri || source.S3DataType !== "S3Object")
    throw clientError(
      "the stand-in's container serves only an uncompressed ONNX model file (ModelDataSource, S3Object); it cannot score this model",
    );
  const stored = s3.objects.get(objectPath(source.S3Uri));
  if (!stored) throw clientError(`the model data ${source.S3Uri} does not exist`);
  return stored.body;
}

async function loadSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes);
  } catch (error) {
    throw clientError(`the container could not load the model as ONNX: ${String(error)}`);
  }
}

/** One record's columns after the input filter, as the tensors' values, in the graph's input order. */
function feedsFor(session: ort.InferenceSession, records: string[][], first: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  session.inputMetadata.forEach((input, column) => {
    if (!input.isTensor) throw clientError(`model input ${input.name} is not a tensor`);
    const dims = input.shape.length === 1 ? [records.length] : [records.length, 1];
    const raw = records.map((record) => unquoteCsvField(record[column] ?? ""));
    if (input.type === "string") {
      feeds[input.name] = new ort.Tensor("string", raw, dims);
      return;
    }
    const values = raw.map((text, row) => {
      const value = Number(text);
      if (text === "" || !Number.isFinite(value))
        throw clientError(`record ${first + row + 1}: '${text}' is not a number (model input ${input.name})`);
      return value;
    });
    if (input.type === "float32") feeds[input.name] = new ort.Tensor("float32", Float32Array.from(values), dims);
    else if (input.type === "float64") feeds[input.name] = new ort.Tensor("float64", Float64Array.from(values), dims);
    else if (input.type === "int64")
      feeds[input.name] = new ort.Tensor(
        "int64",
        BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))),
        dims,
      );
    else throw clientError(`model input ${input.name} has type ${input.type}, which the stand-in does not feed`);
  });
  return feeds;
}

/** The container's CSV answer for a mini-batch: one line per record, each output's values comma-joined. */
async function predict(session: ort.InferenceSession, records: string[][], first: number): Promise<string[][]> {
  const inputs = session.inputMetadata.length;
  records.forEach((record, row) => {
    if (record.length !== inputs)
      throw clientError(
        `record ${first + row + 1} has ${record.length} columns after the input filter; the model takes ${inputs} (${session.inputNames.join(", ")})`,
      );
  });
  const results = await session.run(feedsFor(session, records, first));
  const outputs = session.outputNames.map((name) => results[name] as ort.Tensor);
  return records.map((_record, row) =>
    outputs.map((tensor) => {
      const width = tensor.dims.length > 1 ? Number(tensor.dims[1]) : 1;
      const values = Array.from(tensor.data as ArrayLike<number | bigint>).slice(row * width, (row + 1) * width);
      // As the serving image writes them: a scalar as String() does, a wider output as a JSON array in one cell.
      return width === 1 ? String(Number(values[0])) : csvField(JSON.stringify(values.map(Number)));
    }),
  );
}

/** Mini-batches as SageMaker makes them: SingleRecord one each; MultiRecord as many lines as fit MaxPayloadInMB. */
function miniBatches(lines: string[], request: TransformRequest): string[][] {
  if (request.BatchStrategy !== "MultiRecord") return lines.map((line) => [line]);
  const limit = (request.MaxPayloadInMB ?? 6) * MB || Number.POSITIVE_INFINITY;
  const batches: string[][] = [];
  let current: string[] = [];
  let size = 0;
  lines.forEach((line, index) => {
    const bytes = Buffer.byteLength(line) + 1;
    if (bytes > limit) throw clientError(`record ${index + 1} is larger than MaxPayloadInMB`);
    if (size + bytes > limit) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(line);
    size += bytes;
  });
  if (current.length > 0) batches.push(current);
  return batches;
}

function select(filter: CsvFilter, fields: string[], what: string, index: number): string[] {
  const selected = selectColumns(filter, fields.length);
  if (!selected) throw clientError(`record ${index + 1}: ${filter.expression} does not fit the ${what}`);
  return selected.map((column) => fields[column] ?? "");
}

async function transformObject(session: ort.InferenceSession, text: string, request: TransformRequest) {
  const processing = request.DataProcessing ?? {};
  const inputFilter = parseCsvFilter(processing.InputFilter ?? "$");
  const outputFilter = parseCsvFilter(processing.OutputFilter ?? "$");
  const lines = text.split("\n").map((line) => line.replace(/\r$/, ""));
  if (lines.at(-1) === "") lines.pop();
  const out: string[] = [];
  let first = 0;
  for (const batch of miniBatches(lines, request)) {
    const fields = batch.map(splitCsvLine);
    const records = fields.map((row, i) => select(inputFilter, row, "record", first + i));
    const predictions = await predict(session, records, first);
    fields.forEach((row, i) => {
      const joined = processing.JoinSource === "Input" ? [...row, ...(predictions[i] ?? [])] : (predictions[i] ?? []);
      out.push(select(outputFilter, joined, "joined output", first + i).join(","));
    });
    first += batch.length;
  }
  return Buffer.from(out.map((line) => `${line}\n`).join(""));
}

/**
 * What the job's instances compute, for real: every object under the input prefix is split into lines, the input
 * filter picks each record's columns, mini-batches go to the version's ONNX model (read from the stand-in S3 where
 * CreateModel points, run with onnxruntime, the columns fed to the graph's inputs in order — our model of a CSV serving
 * container for a tabular ONNX model), and each output line is the input line joined with its prediction (JoinSource
 * Input: comma-joined for CSV), then the output filter. Forms the stand-in does not model (JSON content, manifests,
 * compressed input, models other than a single ONNX file) fail the job with a reason saying so; nothing is made up.
 */
export async function scoreTransformInput(request: TransformRequest, model: Body, s3: FakeS3): Promise<Outcome> {
  try {
    const input = request.TransformInput;
    const source = input?.DataSource?.S3DataSource;
    if (input?.ContentType !== "text/csv") throw clientError("the stand-in transforms text/csv input only");
    if (source?.S3DataType !== "S3Prefix") throw clientError("the stand-in reads S3Prefix input only");
    if ((input.CompressionType ?? "None") !== "None") throw clientError("the stand-in reads uncompressed input only");
    if (input.SplitType !== "Line") throw clientError("the stand-in splits CSV by Line only");
    const prefix = objectPath(source.S3Uri ?? "");
    const objects = [...s3.objects.entries()].filter(([path]) => path.startsWith(prefix));
    if (objects.length === 0) throw clientError(`No S3 objects found under S3 URL "${source.S3Uri}"`);
    const session = await loadSession(modelBytes(model, s3));
    const outputPath = objectPath((request.TransformOutput?.S3OutputPath ?? "").replace(/\/+$/, ""));
    const folder = prefix.slice(0, prefix.lastIndexOf("/") + 1);
    const outputs = new Map<string, Buffer>();
    try {
      for (const [path, stored] of objects)
        outputs.set(
          `${outputPath}/${path.slice(folder.length)}.out`,
          await transformObject(session, stored.body.toString("utf8"), request),
        );
    } finally {
      await session.release();
    }
    return { ok: true, outputs };
  } catch (error) {
    if (error instanceof ContainerError) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * A real-time CSV request to the same container (an inference component's copy): every line is a record fed to the
 * version's ONNX model, the answer one line per record. A request the container cannot score fails with its reason.
 */
export async function scoreCsvRequest(
  model: Body,
  s3: FakeS3,
  csv: string,
): Promise<{ ok: true; body: string } | { ok: false; reason: string }> {
  try {
    const lines = csv.split("\n").map((line) => line.replace(/\r$/, ""));
    if (lines.at(-1) === "") lines.pop();
    const session = await loadSession(modelBytes(model, s3));
    try {
      const predictions = await predict(session, lines.map(splitCsvLine), 0);
      return { ok: true, body: predictions.map((row) => `${row.join(",")}\n`).join("") };
    } finally {
      await session.release();
    }
  } catch (error) {
    if (error instanceof ContainerError) return { ok: false, reason: error.message };
    throw error;
  }
}
