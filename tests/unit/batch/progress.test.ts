import { describe, expect, it } from "vitest";
import { batchProgress, type ProgressInput } from "@/server/services/batch/progress";

// Invariants of a batch job's progress:
// 1. progress is the share of the input's bytes read, 0–1, and exactly 1 once the job succeeded.
// 2. rowsPerSecond counts only the current (or last) run: a resumed job's rows from earlier runs never inflate it.
// 3. etaSeconds is given only while the job is RUNNING, at the rate this run reads bytes.
// 4. Nothing is divided by zero: no start, no elapsed time or no rows yet give nulls, never Infinity or NaN.

const startedAt = new Date("2026-01-01T00:00:00Z");
const now = new Date("2026-01-01T00:00:10Z");
const running: ProgressInput = {
  status: "RUNNING",
  inputBytes: 1_000,
  bytesDone: 400,
  bytesAtStart: 0,
  rowsDone: 40,
  rowsAtStart: 0,
  startedAt,
  finishedAt: null,
};

describe("batchProgress", () => {
  it("gives the share read, the rate and the time left of a running job", () => {
    expect(batchProgress(running, now)).toEqual({ progress: 0.4, rowsPerSecond: 4, etaSeconds: 15 });
  });

  it("counts only the current run of a resumed job", () => {
    const resumed = { ...running, bytesAtStart: 300, rowsAtStart: 30, bytesDone: 400, rowsDone: 40 };
    // 10 rows and 100 bytes in 10 s: 1 row/s, 600 bytes left at 10 bytes/s.
    expect(batchProgress(resumed, now)).toEqual({ progress: 0.4, rowsPerSecond: 1, etaSeconds: 60 });
  });

  it("gives no ETA once the job is not running, and the rate over the run that ended", () => {
    const finishedAt = new Date("2026-01-01T00:00:05Z");
    for (const status of ["CANCELLING", "CANCELLED", "FAILED"])
      expect(batchProgress({ ...running, status, finishedAt }, now)).toEqual({
        progress: 0.4,
        rowsPerSecond: 8,
        etaSeconds: null,
      });
    const done = { ...running, status: "SUCCEEDED", bytesDone: 990, rowsDone: 100, finishedAt: now };
    expect(batchProgress(done, new Date("2027-01-01T00:00:00Z"))).toEqual({
      progress: 1,
      rowsPerSecond: 10,
      etaSeconds: null,
    });
  });

  it("gives nulls rather than dividing by zero", () => {
    expect(batchProgress({ ...running, status: "QUEUED", startedAt: null, bytesDone: 0, rowsDone: 0 }, now)).toEqual({
      progress: 0,
      rowsPerSecond: null,
      etaSeconds: null,
    });
    expect(batchProgress(running, startedAt)).toEqual({ progress: 0.4, rowsPerSecond: null, etaSeconds: null });
    const noRowsYet = { ...running, rowsAtStart: 40, bytesAtStart: 400 };
    expect(batchProgress(noRowsYet, now)).toEqual({ progress: 0.4, rowsPerSecond: null, etaSeconds: null });
    const empty = { ...running, inputBytes: 0, bytesDone: 0 };
    expect(batchProgress(empty, now).progress).toBe(0);
    // Rows counted but no bytes recorded (cannot happen, but must not divide by zero).
    expect(batchProgress({ ...running, bytesDone: 0 }, now)).toEqual({
      progress: 0,
      rowsPerSecond: 4,
      etaSeconds: null,
    });
  });

  it("never says more than all of the input was read", () => {
    expect(batchProgress({ ...running, bytesDone: 1_200 }, now).progress).toBe(1);
  });
});
