"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { ACTIVE_BATCH_STATUSES, RESUMABLE_BATCH_STATUSES } from "@/contracts/batch-jobs";
import { BatchErrorsTable } from "@/components/batch/batch-errors-table";
import { BatchProgress } from "@/components/batch/batch-progress";
import { BatchStatusBadge } from "@/components/batch/batch-status-badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Fact } from "@/components/ui/fact";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { formatBytes, formatDateTime, formatDuration } from "@/lib/format";
import { useCanChange } from "@/lib/use-can";
import { useTRPC } from "@/trpc/react";

const LIVE_MS = 1000;

/** One batch job: live progress, cancel and resume, its failures, and its lineage (version, input, output). */
export function BatchJobPage({ modelName, jobId }: { modelName: string; jobId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const job = useQuery({
    ...trpc.batch.get.queryOptions({ jobId }),
    refetchInterval: (query) =>
      query.state.data && ACTIVE_BATCH_STATUSES.includes(query.state.data.status) ? LIVE_MS : false,
  });
  const model = useQuery(trpc.registry.get.queryOptions({ name: job.data?.modelName ?? modelName }));
  const canChange = useCanChange("models:write", model.data && { teamId: model.data.team.id });
  const refresh = { onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.batch.pathKey() }) };
  const cancel = useMutation(trpc.batch.cancel.mutationOptions(refresh));
  const resume = useMutation(trpc.batch.resume.mutationOptions(refresh));
  if (job.isPending) return <LoadingState label="Loading the batch job…" />;
  if (job.isError) return <ErrorState error={job.error} onRetry={() => void job.refetch()} />;
  const j = job.data;
  const versionHref = `/models/${encodeURIComponent(j.modelName)}/versions/${j.version}`;
  const acting = cancel.isPending || resume.isPending;
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href={`/models/${encodeURIComponent(j.modelName)}`} className="hover:underline">
          {j.modelName}
        </Link>{" "}
        /{" "}
        <Link href={versionHref} className="hover:underline">
          v{j.version}
        </Link>{" "}
        / <span className="text-slate-700">batch job</span>
      </nav>
      <div className="mb-6 flex flex-wrap items-center justify-between gap-2">
        <h1 className="flex items-center gap-2 text-2xl font-semibold tracking-tight text-slate-900">
          {j.input.path.split("/").at(-1)} <BatchStatusBadge status={j.status} />
        </h1>
        {canChange && (
          <div className="flex gap-2">
            {(j.status === "QUEUED" || j.status === "RUNNING") && (
              <Button variant="danger" size="sm" disabled={acting} onClick={() => cancel.mutate({ jobId })}>
                Cancel
              </Button>
            )}
            {RESUMABLE_BATCH_STATUSES.includes(j.status) && (
              <Button size="sm" disabled={acting} onClick={() => resume.mutate({ jobId })} data-testid="batch-resume">
                Resume
              </Button>
            )}
          </div>
        )}
      </div>
      {(cancel.error ?? resume.error) && (
        <div className="mb-4">
          <ErrorState error={(cancel.error ?? resume.error)!} />
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Progress" className="lg:col-span-2">
          <BatchProgress job={j} />
          {j.failureReason && (
            <p role="alert" className="mt-3 text-sm text-rose-700" data-testid="batch-failure">
              {j.failureReason}
            </p>
          )}
          {j.status === "CANCELLING" && (
            <p className="mt-3 text-sm text-amber-800">Stopping after the part in flight; what is done is kept.</p>
          )}
        </Card>
        <Card title="Result">
          {j.output ? (
            <dl>
              <Fact label="File">
                <a
                  href={`/api/artifacts/${j.output.id}`}
                  className="font-medium text-indigo-700 hover:underline"
                  data-testid="batch-download"
                  download
                >
                  {j.output.path.split("/").at(-1)}
                </a>{" "}
                ({formatBytes(j.output.sizeBytes)})
              </Fact>
              <Fact label="Rows">
                {j.rowsDone.toLocaleString("en-US")} ({j.rowsFailed.toLocaleString("en-US")} failed)
              </Fact>
              <Fact label="Columns">
                <span className="font-mono text-xs">{j.keyColumns.join(", ")}</span>, then _row, the model&apos;s
                outputs and _error
              </Fact>
            </dl>
          ) : (
            <p className="text-sm text-slate-500">The result is written when every row has been scored.</p>
          )}
        </Card>
        <Card title="Lineage">
          <dl>
            <Fact label="Version">
              <Link href={versionHref} className="text-indigo-700 hover:underline">
                {j.modelName} v{j.version}
              </Link>
            </Fact>
            <Fact label="Input">
              <a href={`/api/artifacts/${j.input.id}`} className="text-indigo-700 hover:underline" download>
                {j.input.path.split("/").at(-1)}
              </a>{" "}
              ({formatBytes(j.input.sizeBytes)}, sha256{" "}
              <span className="font-mono text-xs">{j.input.sha256.slice(0, 12)}</span>)
            </Fact>
            <Fact label="Target">
              {j.target === "LOCAL" ? "Local runtime" : `SageMaker ${j.externalJobName ?? ""}`}
            </Fact>
            <Fact label="Started by">
              {j.createdBy.name}, {formatDateTime(j.createdAt)}
            </Fact>
            {j.startedAt && (
              <Fact label="Ran for">
                {formatDuration(j.startedAt, j.finishedAt)} (attempt {j.attempts})
              </Fact>
            )}
          </dl>
        </Card>
        {j.errorSamples.length > 0 && (
          <Card title="Rows that failed" className="lg:col-span-2">
            <BatchErrorsTable samples={j.errorSamples} total={j.rowsFailed} />
          </Card>
        )}
      </div>
    </>
  );
}
