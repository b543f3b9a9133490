import type { TensorSpec } from "@/contracts/signature";
import type { ServiceContext } from "@/server/services/context";
import { readSampleCsv } from "@/server/services/drift/sample-csv";
import type { FeatureValue, GoldenRowContent } from "@/server/services/labels/golden-sets-hash";
import {
  DEFAULT_REFERENCE_SAMPLE,
  MAX_REFERENCE_SAMPLE_BYTES,
  MAX_REFERENCE_SAMPLE_ROWS,
} from "@/server/services/registry/reference-sample";

export type TrainingOverlap = { versionId: string; sampleRows: number; count: number };

/** A value as the model reads it: float32 inputs compare after rounding to float32, strings as strings. */
function asModelSees(value: FeatureValue | undefined, type: TensorSpec["type"]): string {
  if (value === undefined) return "∅";
  if (type === "string") return `s${String(value)}`;
  if (type === "bool") return value === true || value === "true" || value === 1 ? "true" : "false";
  const number = Number(value);
  return `n${type === "float32" ? Math.fround(number) : number}`;
}

const rowKey = (inputs: readonly TensorSpec[], get: (name: string) => FeatureValue | undefined) =>
  inputs.map((input) => asModelSees(get(input.name), input.type)).join("\u0000");

/**
 * How many golden rows have exactly the feature values of a row of the version's training sample (the run's
 * training-sample.csv, the same artifact the drift reference is computed from), as the model sees them. Null when
 * the version has no source run or the run uploaded no sample. The sample is streamed with the reference limits.
 */
export async function trainingOverlap(
  ctx: Pick<ServiceContext, "db" | "artifacts" | "settings">,
  versionId: string,
  inputs: readonly TensorSpec[],
  rows: readonly Pick<GoldenRowContent, "features">[],
): Promise<TrainingOverlap | null> {
  const version = await ctx.db.modelVersion.findUniqueOrThrow({
    where: { id: versionId },
    select: { sourceRunId: true },
  });
  if (!version.sourceRunId) return null;
  const artifact = await ctx.db.artifact.findUnique({
    where: { runId_path: { runId: version.sourceRunId, path: DEFAULT_REFERENCE_SAMPLE } },
    select: { sha256: true },
  });
  if (!artifact) return null;
  const { columns, rowCount } = await readSampleCsv(await ctx.artifacts.get(artifact.sha256), {
    keep: new Set(inputs.map((input) => input.name)),
    maxRows: ctx.settings.referenceSampleMaxRows ?? MAX_REFERENCE_SAMPLE_ROWS,
    maxBytes: ctx.settings.referenceSampleMaxBytes ?? MAX_REFERENCE_SAMPLE_BYTES,
  });
  const training = new Set<string>();
  for (let i = 0; i < rowCount; i++) training.add(rowKey(inputs, (name) => columns[name]?.[i]));
  const count = rows.filter((row) => training.has(rowKey(inputs, (name) => row.features[name]))).length;
  return { versionId, sampleRows: rowCount, count };
}
