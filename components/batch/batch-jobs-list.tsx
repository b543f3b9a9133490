"use client";

import Link from "next/link";
import type { RouterOutputs } from "@/trpc/react";
import { BatchProgress } from "@/components/batch/batch-progress";
import { BatchStatusBadge } from "@/components/batch/batch-status-badge";
import { formatDateTime } from "@/lib/format";

type Job = RouterOutputs["batch"]["list"]["items"][number];

/** A version's batch jobs, newest first, each with its live progress and a link to its page. */
export function BatchJobsList({ jobs }: { jobs: Job[] }) {
  return (
    <ul className="divide-y divide-slate-100" data-testid="batch-jobs">
      {jobs.map((job) => (
        <li key={job.id} className="space-y-2 py-3" data-testid="batch-job" data-job-id={job.id}>
          <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
            <span className="flex items-center gap-2">
              <Link
                href={`/models/${encodeURIComponent(job.modelName)}/batch-jobs/${job.id}`}
                className="font-medium text-indigo-700 hover:underline"
              >
                {job.input.path.split("/").at(-1)}
              </Link>
              <BatchStatusBadge status={job.status} />
            </span>
            <span className="text-xs text-slate-500">
              {job.createdBy.name} · {formatDateTime(job.createdAt)}
            </span>
          </div>
          <BatchProgress job={job} />
        </li>
      ))}
    </ul>
  );
}
