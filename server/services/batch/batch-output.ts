import { chunksOf, streamOf } from "@/lib/web-streams";
import type { Prisma } from "@/server/db/generated/client";
import type { Lease } from "@/server/db/row-lease";
import type { StoredBlob } from "@/server/services/artifacts/artifact-store";
import { outputHeader, type BatchColumns } from "@/server/services/batch/batch-columns";
import type { BatchRuntime } from "@/server/services/batch/run-batch-job";

/** The output's file name: the dataset's, with `.predictions.csv` for its extension. */
export function outputFileName(inputPath: string): string {
  const base = inputPath.split("/").at(-1) ?? "dataset.csv";
  return `${base.replace(/\.csv$/i, "")}.predictions.csv`;
}

/**
 * Joins the parts, in order and under one header, into the job's output artifact, and marks the job SUCCEEDED with it
 * (recordOutput). Every part is checked
 * to follow the one before it, so a gap or an overlap can never reach the output.
 */
export async function assembleOutput(
  rt: BatchRuntime,
  lease: Lease,
  job: { id: string; createdById: string; input: { path: string } },
  columns: BatchColumns,
): Promise<void> {
  const parts = await rt.db.batchJobPart.findMany({ where: { jobId: job.id }, orderBy: { index: "asc" } });
  let expected = 0;
  for (const [i, part] of parts.entries()) {
    if (part.index !== i || part.firstRow !== expected)
      throw new Error(`Batch job ${job.id}: part ${part.index} starts at row ${part.firstRow}, not ${expected}`);
    expected += part.rowCount;
  }
  const artifacts = rt.artifacts;
  async function* bytes() {
    yield new TextEncoder().encode(outputHeader(columns));
    for (const part of parts) yield* chunksOf(await artifacts.get(part.sha256));
  }
  const size = parts.reduce((total, part) => total + Number(part.sizeBytes), 64 * 1024);
  const blob = await artifacts.put(streamOf(bytes()), { maxBytes: size });
  await recordOutput(rt, lease, job, blob, { rowsDone: expected });
}

/**
 * Records the stored output as the job's and marks it SUCCEEDED (fenced, in one transaction: a job never says
 * SUCCEEDED without its output, nor the reverse), with the final counts.
 */
export async function recordOutput(
  rt: Pick<BatchRuntime, "db" | "clock">,
  lease: Lease,
  job: { id: string; createdById: string; input: { path: string } },
  blob: StoredBlob,
  counts: Pick<Prisma.BatchJobUpdateInput, "rowsDone" | "rowsFailed" | "bytesDone" | "errorSamples">,
): Promise<void> {
  await rt.db.$transaction(async (tx) => {
    await lease.fence(tx);
    const output = await tx.artifact.create({
      data: {
        path: `batch/${job.id}/${outputFileName(job.input.path)}`,
        sha256: blob.sha256,
        sizeBytes: blob.sizeBytes,
        contentType: "text/csv",
        createdById: job.createdById,
      },
    });
    await tx.batchJob.update({
      where: { id: job.id },
      data: { ...counts, status: "SUCCEEDED", outputArtifactId: output.id, finishedAt: rt.clock() },
    });
  });
}
