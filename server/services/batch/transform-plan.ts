import { TransformInstanceType } from "@aws-sdk/client-sagemaker";
import { csvLine } from "@/lib/csv/csv-byte-records";
import type { SageMakerConfig } from "@/server/integrations/sagemaker/config";
import { BatchInputError, type BatchColumns } from "@/server/services/batch/batch-columns";

/** readCsvHeader (transform-input.ts) reads at most this much for the header row. */
const MAX_TRANSFORM_HEADER_BYTES = 64 * 1024;

const range = (first: number, last: number) => (last > first ? `${first}:${last}` : String(first));

/**
 * The transform's input holds only what it needs: the key columns, then the model's inputs in the signature's order
 * (the container feeds the columns to the graph's inputs in order), so free-text columns never reach SageMaker. The
 * model sees the inputs; each output line keeps the keys and the model's outputs (one value each, the joined line's
 * last columns). Slices are inclusive, as SageMaker reads them.
 */
export function transformLayout(columns: BatchColumns) {
  const keys = columns.keys.length;
  const inputs = columns.inputs.length;
  const outputs = columns.outputs.length;
  return {
    header: csvLine([...columns.keys.map((key) => key.name), ...columns.inputs.map((input) => input.name)]),
    /** The cells of a data row, as sent. */
    cells: (fields: readonly string[]) => [
      ...columns.keys.map((key) => fields[key.index] ?? ""),
      ...columns.inputs.map((input) => fields[input.index] ?? ""),
    ],
    inputFilter: `$[${range(keys, keys + inputs - 1)}]`,
    outputFilter: `$[${range(0, keys - 1)},${outputs === 1 ? "-1" : `-${outputs}:`}]`,
  };
}

/**
 * What SageMaker would refuse, checked before a job exists: a serving image for ONNX, an instance type batch
 * transform offers, and a header it reads (64 KiB at most).
 */
export function assertTransformable(config: SageMakerConfig, columns: BatchColumns): void {
  if (!config.images.ONNX)
    throw new BatchInputError("SageMaker has no serving image for ONNX models (MODELPORT_SAGEMAKER_IMAGE_ONNX)");
  if (!(Object.values(TransformInstanceType) as string[]).includes(config.defaultInstanceType))
    throw new BatchInputError(
      `${config.defaultInstanceType} (MODELPORT_SAGEMAKER_INSTANCE_TYPE) is not a SageMaker batch transform instance type`,
    );
  if (Buffer.byteLength(transformLayout(columns).header) > MAX_TRANSFORM_HEADER_BYTES)
    throw new BatchInputError(
      "The key and input columns' names are longer than the 64 KiB SageMaker reads as a header",
    );
}
