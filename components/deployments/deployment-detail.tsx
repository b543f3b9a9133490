"use client";

import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { useCan } from "@/lib/use-can";
import { useTRPC } from "@/trpc/react";
import { DeploymentHeader } from "@/components/deployments/deployment-header";
import { DeploymentTimeline } from "@/components/deployments/deployment-timeline";
import { isActiveStatus, STATUS_LABELS } from "@/components/deployments/labels";
import { ProgressBar } from "@/components/deployments/progress-bar";
import { CancelDeploymentDialog } from "@/components/deployments/cancel-deployment-dialog";
import { RollbackDialog } from "@/components/deployments/rollback-dialog";
import { RolloutDecisionPanel } from "@/components/deployments/rollout-decision-panel";
import { servingSummary } from "@/components/deployments/serving-summary";
import { mergeTimeline } from "@/components/deployments/timeline";
import { TrafficSplit } from "@/components/deployments/traffic-split";

const POLL_MS = 1000;

/** The question the waiting step asked, recorded as its message. */
const waitingQuestion = (events: readonly { outcome: string; message: string }[]) =>
  events.findLast((e) => e.outcome === "WAITING")?.message ?? "Too few requests reached the candidate to judge it";

/** A deployment's live view: polls every second while it is queued or running, then stops. */
export function DeploymentDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const canRollBack = useCan("deployments:rollback");
  const canCancel = useCan("deployments:cancel");
  const query = useQuery(
    trpc.deployments.get.queryOptions(
      { id },
      {
        refetchInterval: (q) => (q.state.data && !isActiveStatus(q.state.data.status) ? false : POLL_MS),
        refetchIntervalInBackground: false,
      },
    ),
  );
  const steps = useMemo(
    () => (query.data ? mergeTimeline(query.data.plannedSteps, query.data.events) : []),
    [query.data],
  );
  if (query.isPending) return <LoadingState label="Loading deployment…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;

  const deployment = query.data;
  const failed = deployment.status === "FAILED" || deployment.status === "ROLLED_BACK";
  const now = new Date(query.dataUpdatedAt);
  return (
    <>
      <DeploymentHeader deployment={deployment} />
      {canRollBack && deployment.status === "SUCCEEDED" && (
        <div className="mb-6 flex items-center justify-between gap-4 rounded-md border border-slate-200 bg-white px-4 py-3 text-sm">
          <span className="text-slate-600">
            Something wrong with this release? Put the previous healthy version back.
          </span>
          <RollbackDialog endpointId={deployment.endpoint.id} endpointName={deployment.endpoint.name} />
        </div>
      )}
      {canRollBack && deployment.status === "AWAITING_DECISION" && (
        <RolloutDecisionPanel deploymentId={deployment.id} question={waitingQuestion(deployment.events)} />
      )}
      {canCancel && isActiveStatus(deployment.status) && (
        <div className="mb-6 flex items-center justify-between gap-4 rounded-md border border-slate-200 bg-white px-4 py-3 text-sm">
          <span className="text-slate-600">Stuck? End this deployment and leave the endpoint as it is now.</span>
          <CancelDeploymentDialog deploymentId={deployment.id} />
        </div>
      )}
      {failed && (
        <div
          role="alert"
          className="mb-6 rounded-md border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800"
          data-testid="deployment-failure"
        >
          <p>
            <span className="font-semibold">{STATUS_LABELS[deployment.status]}: </span>
            {deployment.failureReason ?? "no reason was recorded"}
          </p>
          <p className="mt-1 text-rose-900" data-testid="still-serving">
            {servingSummary(deployment.endpoint.name, deployment.endpoint.variants)}
          </p>
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Progress" className="lg:col-span-2">
          <div className="space-y-4">
            <ProgressBar
              value={deployment.progress}
              label={
                isActiveStatus(deployment.status)
                  ? `${STATUS_LABELS[deployment.status]}…`
                  : STATUS_LABELS[deployment.status]
              }
              failed={failed}
            />
            {deployment.status === "QUEUED" && deployment.events.length === 0 && (
              <p className="text-sm text-slate-500">Waiting for a deployment worker to pick this up.</p>
            )}
            <DeploymentTimeline steps={steps} now={now} />
          </div>
        </Card>
        <Card title={`Traffic on ${deployment.endpoint.name}`}>
          <TrafficSplit variants={deployment.endpoint.variants} />
        </Card>
      </div>
    </>
  );
}
