import type { FeatureValue, TensorSpec, ValidatedRow } from "../serving/signature-validation";

/** A tensor as it crosses the worker boundary: plain typed arrays, transferable without copying. */
export type WireTensor = {
  type: "float32" | "float64" | "int64" | "bool" | "string" | "int32";
  data: Float32Array | Float64Array | BigInt64Array | Uint8Array | Int32Array | string[];
  dims: number[];
};
export type WireFeeds = Record<string, WireTensor>;

function column(spec: TensorSpec, values: FeatureValue[]): WireTensor["data"] {
  switch (spec.type) {
    case "float32":
      return Float32Array.from(values as number[]);
    case "float64":
      return Float64Array.from(values as number[]);
    case "int64":
      return BigInt64Array.from(values as bigint[]);
    case "bool":
      return Uint8Array.from(values as boolean[], (v) => (v ? 1 : 0));
    case "string":
      return values as string[];
  }
}

/** Turns validated rows into one [batch] or [batch, 1] tensor per signature input. */
export function rowsToFeeds(rows: readonly ValidatedRow[], inputs: readonly TensorSpec[]): WireFeeds {
  const feeds: WireFeeds = {};
  inputs.forEach((spec, index) => {
    const dims = spec.shape?.length === 1 ? [rows.length] : [rows.length, 1];
    feeds[spec.name] = { type: spec.type, data: column(spec, rows.map((row) => row[index]!)), dims };
  });
  return feeds;
}

export type OutputValue = number | string | boolean | Array<number | string | boolean>;
export type Prediction = Record<string, OutputValue>;

const plain = (value: number | bigint | string | boolean) => (typeof value === "bigint" ? Number(value) : value);

/** Splits the model's output tensors back into one prediction object per row, keyed by output name. */
export function outputsToPredictions(outputs: WireFeeds, outputSpecs: readonly TensorSpec[], rowCount: number): Prediction[] {
  const predictions: Prediction[] = Array.from({ length: rowCount }, () => ({}));
  for (const spec of outputSpecs) {
    const tensor = outputs[spec.name];
    if (!tensor) throw new Error(`The model did not produce the output "${spec.name}" its signature declares`);
    const values = Array.from(tensor.data as ArrayLike<number | bigint | string>, plain);
    const width = values.length / rowCount;
    if (!Number.isInteger(width) || width < 1) throw new Error(`Output "${spec.name}" has ${values.length} values for ${rowCount} rows`);
    for (let row = 0; row < rowCount; row++) {
      predictions[row]![spec.name] = width === 1 ? values[row]! : values.slice(row * width, (row + 1) * width);
    }
  }
  return predictions;
}
