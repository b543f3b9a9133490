import type { TensorSpec } from "@/contracts/signature";
import type { ValidatedRow } from "@/runtime/serving/signature-validation";
import type { Prediction } from "@/contracts/runtime-predict";

/** A tensor as it crosses the worker boundary: plain typed arrays, transferable without copying. */
export type WireTensor = {
  type: "float32" | "float64" | "int64" | "bool" | "string" | "int32";
  data: Float32Array | Float64Array | BigInt64Array | Uint8Array | Int32Array | string[];
  dims: number[];
};
export type WireFeeds = Record<string, WireTensor>;

/**
 * A batch as it crosses to an inference thread: one structured-clone copy instead of a tensor per input, which was
 * most of the cost of handing a batch over. Every non-string input's column sits in `numbers` (column-major, in
 * signature order), exact for float32/float64, for int64 values (validated as safe integers) and for bools (0/1);
 * string columns go in `strings`. `layout` names the inputs, their types and ranks.
 */
export type WireBatch = { rowCount: number; layout: string; numbers: Float64Array; strings: string[][] };

type LayoutEntry = { name: string; type: TensorSpec["type"]; rank: 1 | 2 };

const layouts = new WeakMap<readonly TensorSpec[], string>();
const parsedLayouts = new Map<string, LayoutEntry[]>();
const MAX_PARSED_LAYOUTS = 256;

/** The layout string a WireBatch of these inputs carries (computed once per signature). */
export function layoutOf(inputs: readonly TensorSpec[]): string {
  let layout = layouts.get(inputs);
  if (layout === undefined) {
    const entries: LayoutEntry[] = inputs.map((spec) => ({
      name: spec.name,
      type: spec.type,
      rank: spec.shape?.length === 1 ? 1 : 2,
    }));
    layouts.set(inputs, (layout = JSON.stringify(entries)));
  }
  return layout;
}

function parseLayout(layout: string): LayoutEntry[] {
  let entries = parsedLayouts.get(layout);
  if (!entries) {
    if (parsedLayouts.size >= MAX_PARSED_LAYOUTS) parsedLayouts.clear();
    parsedLayouts.set(layout, (entries = JSON.parse(layout) as LayoutEntry[]));
  }
  return entries;
}

/** Packs validated rows (values in signature order) into a WireBatch. */
export function batchFromRows(rows: readonly ValidatedRow[], inputs: readonly TensorSpec[]): WireBatch {
  const rowCount = rows.length;
  const numericInputs = inputs.reduce((n, spec) => (spec.type === "string" ? n : n + 1), 0);
  const numbers = new Float64Array(numericInputs * rowCount);
  const strings: string[][] = [];
  let offset = 0;
  inputs.forEach((spec, index) => {
    if (spec.type === "string") {
      strings.push(rows.map((row) => row[index] as string));
      return;
    }
    for (let r = 0; r < rowCount; r++) numbers[offset + r] = Number(rows[r]![index]);
    offset += rowCount;
  });
  return { rowCount, layout: layoutOf(inputs), numbers, strings };
}

function column(type: Exclude<TensorSpec["type"], "string">, values: Float64Array): WireTensor["data"] {
  switch (type) {
    case "float32":
      return Float32Array.from(values);
    case "float64":
      return values.slice();
    case "int64":
      return BigInt64Array.from(values, (v) => BigInt(v));
    case "bool":
      return Uint8Array.from(values);
  }
}

/** Unpacks a WireBatch into one [batch] or [batch, 1] tensor per input. */
export function feedsFromBatch(batch: WireBatch): WireFeeds {
  const feeds: WireFeeds = {};
  const { rowCount, numbers } = batch;
  let offset = 0;
  let stringIndex = 0;
  for (const { name, type, rank } of parseLayout(batch.layout)) {
    const dims = rank === 1 ? [rowCount] : [rowCount, 1];
    if (type === "string") {
      feeds[name] = { type, data: batch.strings[stringIndex++]!, dims };
      continue;
    }
    feeds[name] = { type, data: column(type, numbers.subarray(offset, offset + rowCount)), dims };
    offset += rowCount;
  }
  return feeds;
}

/** Turns validated rows into one [batch] or [batch, 1] tensor per signature input. */
export function rowsToFeeds(rows: readonly ValidatedRow[], inputs: readonly TensorSpec[]): WireFeeds {
  return feedsFromBatch(batchFromRows(rows, inputs));
}

const plain = (value: number | bigint | string | boolean) => (typeof value === "bigint" ? Number(value) : value);

/** Splits the model's output tensors back into one prediction object per row, keyed by output name. */
export function outputsToPredictions(
  outputs: WireFeeds,
  outputSpecs: readonly TensorSpec[],
  rowCount: number,
): Prediction[] {
  const predictions: Prediction[] = Array.from({ length: rowCount }, () => ({}));
  for (const spec of outputSpecs) {
    const tensor = outputs[spec.name];
    if (!tensor) throw new Error(`The model did not produce the output "${spec.name}" its signature declares`);
    const values = Array.from(tensor.data as ArrayLike<number | bigint | string>, plain);
    const width = values.length / rowCount;
    if (!Number.isInteger(width) || width < 1)
      throw new Error(`Output "${spec.name}" has ${values.length} values for ${rowCount} rows`);
    for (let row = 0; row < rowCount; row++) {
      predictions[row]![spec.name] = width === 1 ? values[row]! : values.slice(row * width, (row + 1) * width);
    }
  }
  return predictions;
}
