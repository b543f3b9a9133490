"use client";

import { useQuery } from "@tanstack/react-query";
import { ACTIVE_BATCH_STATUSES } from "@/contracts/batch-jobs";
import { BatchJobForm } from "@/components/batch/batch-job-form";
import { BatchJobsList } from "@/components/batch/batch-jobs-list";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { useTRPC } from "@/trpc/react";

/** Polled this often while a job of the version runs, so its progress bar moves. */
const LIVE_MS = 1000;

/** Score a dataset with this version, and the version's batch jobs with their live progress. */
export function BatchJobsCard({
  modelName,
  version,
  canStart,
  className,
}: {
  modelName: string;
  version: number;
  /** The person may start jobs for this model (their team's, with models:write). */
  canStart: boolean;
  className?: string;
}) {
  const trpc = useTRPC();
  const jobs = useQuery({
    ...trpc.batch.list.queryOptions({ modelName, version }),
    refetchInterval: (query) =>
      query.state.data?.items.some((job) => ACTIVE_BATCH_STATUSES.includes(job.status)) ? LIVE_MS : false,
  });
  return (
    <Card title="Batch jobs" className={className}>
      <div className="space-y-4">
        {canStart && <BatchJobForm modelName={modelName} version={version} />}
        {jobs.isPending ? (
          <LoadingState label="Loading the batch jobs…" />
        ) : jobs.isError ? (
          <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />
        ) : jobs.data.items.length === 0 ? (
          <p className="text-sm text-slate-500">No batch job has scored a dataset with this version yet.</p>
        ) : (
          <BatchJobsList jobs={jobs.data.items} />
        )}
      </div>
    </Card>
  );
}
