import { CsvByteRecords, CsvSyntaxError, type CsvRecord } from "@/lib/csv/csv-byte-records";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import { BatchInputError } from "@/server/services/batch/batch-columns";

/** A header longer than this is not a CSV header (or the file has no line ends). */
const MAX_HEADER_BYTES = 1024 * 1024;

/** A dataset's header record and where its first data row starts; reads no further than the header. */
export async function readHeader(artifacts: ArtifactStore, sha256: string, size: number): Promise<CsvRecord> {
  if (size === 0) throw new BatchInputError("The dataset is empty");
  const records = new CsvByteRecords();
  const stream = await artifacts.getRange(sha256, { start: 0, end: Math.min(size, MAX_HEADER_BYTES) - 1 });
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const [header] = done ? (size <= MAX_HEADER_BYTES ? records.end() : []) : records.push(value);
      if (header) return header;
      if (done) throw new BatchInputError("The dataset has no header line (column names) in its first MiB");
    }
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw new BatchInputError(`The dataset's header: ${error.message}`);
    throw error;
  } finally {
    await reader.cancel();
  }
}
