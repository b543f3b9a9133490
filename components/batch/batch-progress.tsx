import type { RouterOutputs } from "@/trpc/react";
import { ProgressBar } from "@/components/deployments/progress-bar";

type Job = RouterOutputs["batch"]["get"];

const count = new Intl.NumberFormat("en-US");

/** "1h 02m", "3m 05s", "12s": a duration in seconds, rounded up. */
export function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** A job's progress: the share of the input read, rows done and failed, rows/s and the time left. */
export function BatchProgress({ job }: { job: Job }) {
  return (
    <div className="space-y-1">
      <ProgressBar
        value={job.progress}
        label={`${count.format(job.rowsDone)} rows scored`}
        failed={job.status === "FAILED"}
        testId="batch-progress"
      />
      <p className="flex flex-wrap gap-x-4 text-xs text-slate-600" data-testid="batch-rates">
        {job.rowsFailed > 0 && <span className="text-rose-700">{count.format(job.rowsFailed)} rows failed</span>}
        {job.rowsPerSecond !== null && <span>{count.format(Math.round(job.rowsPerSecond))} rows/s</span>}
        {job.etaSeconds !== null && <span>about {formatSeconds(job.etaSeconds)} left</span>}
      </p>
    </div>
  );
}
