import { formatDateTime, formatDuration } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";
import { Fact } from "@/components/experiments/run/fact";
import { RunStatusBadge } from "@/components/experiments/shared/run-status-badge";

type Run = RouterOutputs["experiments"]["run"];

export function RunHeader({ run }: { run: Run }) {
  const tags = Object.entries(run.tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <header className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{run.name}</h1>
        <RunStatusBadge status={run.status} />
      </div>
      <dl className="mt-4 grid gap-x-8 gap-y-3 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <Fact label="User">{run.userName}</Fact>
        <Fact label="Started">
          <time dateTime={run.startTime.toISOString()}>{formatDateTime(run.startTime)}</time>
        </Fact>
        <Fact label="Ended">
          {run.endTime ? (
            <time dateTime={run.endTime.toISOString()}>{formatDateTime(run.endTime)}</time>
          ) : (
            <span className="text-slate-500">still running</span>
          )}
        </Fact>
        <Fact label="Duration">{formatDuration(run.startTime, run.endTime)}</Fact>
        <Fact label="Git commit">
          {run.gitCommit ? (
            <code className="font-mono text-xs" title={run.gitCommit}>
              {run.gitCommit.slice(0, 12)}
            </code>
          ) : (
            <span className="text-slate-500">—</span>
          )}
        </Fact>
        <Fact label="Dataset">
          {run.datasetRef ? (
            <code className="break-all font-mono text-xs">{run.datasetRef}</code>
          ) : (
            <span className="text-slate-500">—</span>
          )}
        </Fact>
        <Fact label="Run id">
          <code className="font-mono text-xs">{run.id}</code>
        </Fact>
      </dl>
      {tags.length > 0 && (
        <ul className="mt-4 flex flex-wrap gap-1.5" aria-label="Tags">
          {tags.map(([key, value]) => (
            <li key={key} className="rounded-md bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
              <span className="text-slate-600">{key}</span> = <span className="font-medium">{value}</span>
            </li>
          ))}
        </ul>
      )}
    </header>
  );
}
