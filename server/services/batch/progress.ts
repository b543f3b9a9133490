/** What a job's progress is computed from (its row, with sizes as numbers). */
export type ProgressInput = {
  status: string;
  inputBytes: number;
  bytesDone: number;
  bytesAtStart: number;
  rowsDone: number;
  rowsAtStart: number;
  startedAt: Date | null;
  finishedAt: Date | null;
};

/**
 * Rows per second over the current run (a resumed job counts only what this run did), seconds left at the rate the
 * input's bytes are being read, and the share read. Null where there is nothing to measure yet.
 */
export function batchProgress(job: ProgressInput, now: Date) {
  const progress =
    job.status === "SUCCEEDED" ? 1 : job.inputBytes > 0 ? Math.min(1, job.bytesDone / job.inputBytes) : 0;
  if (!job.startedAt) return { progress, rowsPerSecond: null, etaSeconds: null };
  const seconds = ((job.finishedAt ?? now).getTime() - job.startedAt.getTime()) / 1000;
  const rows = job.rowsDone - job.rowsAtStart;
  const bytes = job.bytesDone - job.bytesAtStart;
  if (seconds <= 0 || rows <= 0) return { progress, rowsPerSecond: null, etaSeconds: null };
  const running = job.status === "RUNNING";
  const etaSeconds = running && bytes > 0 ? ((job.inputBytes - job.bytesDone) * seconds) / bytes : null;
  return { progress, rowsPerSecond: rows / seconds, etaSeconds };
}
