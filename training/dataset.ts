/**
 * A tabular dataset held column by column. Feature values are stored as float32 because that is what the exported
 * ONNX models read, so training thresholds and the runtime compare exactly the same numbers.
 */
export type Dataset = {
  name: string;
  featureNames: string[];
  columns: Float32Array[];
  target: Float64Array;
  targetName: string;
  size: number;
};

export type Split = { train: Dataset; test: Dataset };

export function createDataset(name: string, featureNames: string[], targetName: string, size: number): Dataset {
  return {
    name,
    featureNames,
    targetName,
    size,
    columns: featureNames.map(() => new Float32Array(size)),
    target: new Float64Array(size),
  };
}

export function rowOf(dataset: Dataset, index: number): number[] {
  return dataset.columns.map((column) => column[index] ?? NaN);
}

export function rowObject(dataset: Dataset, index: number): Record<string, number> {
  return Object.fromEntries(dataset.featureNames.map((name, f) => [name, dataset.columns[f]?.[index] ?? NaN]));
}

function slice(dataset: Dataset, start: number, end: number): Dataset {
  return {
    ...dataset,
    size: end - start,
    columns: dataset.columns.map((column) => column.slice(start, end)),
    target: dataset.target.slice(start, end),
  };
}

/** The rows are generated independently, so the first rows train and the rest are held out. */
export function splitDataset(dataset: Dataset, trainFraction: number): Split {
  const cut = Math.round(dataset.size * trainFraction);
  return { train: slice(dataset, 0, cut), test: slice(dataset, cut, dataset.size) };
}

export function toCsv(dataset: Dataset): string {
  const header = [...dataset.featureNames, dataset.targetName].join(",");
  const lines = [header];
  for (let i = 0; i < dataset.size; i++) lines.push([...rowOf(dataset, i), dataset.target[i]].join(","));
  return lines.join("\n") + "\n";
}
