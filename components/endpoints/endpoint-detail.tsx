"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { newAbTestHref } from "@/components/abtests/ab-test-format";
import { isActiveStatus } from "@/components/deployments/labels";
import { RollbackDialog } from "@/components/deployments/rollback-dialog";
import { TrafficSplit } from "@/components/deployments/traffic-split";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { useCanChange } from "@/lib/use-can";
import { useTRPC } from "@/trpc/react";
import { DeploymentHistory } from "@/components/endpoints/deployment-history";
import { EndpointHeader } from "@/components/endpoints/endpoint-header";
import { EndpointSloForm } from "@/components/endpoints/endpoint-slo-form";
import { EndpointCaptureForm } from "@/components/endpoints/endpoint-capture-form";
import { EndpointScaleToZeroForm } from "@/components/endpoints/endpoint-scale-to-zero-form";
import { EndpointAsyncServingForm } from "@/components/endpoints/endpoint-async-serving-form";
import { EndpointComponentHostingForm } from "@/components/endpoints/endpoint-component-hosting-form";
import { PredictionPanel } from "@/components/endpoints/prediction-panel";
import { VariantsTable } from "@/components/endpoints/variants-table";
import { LlmMetricsPanel } from "@/components/endpoints/llm-metrics-panel";
import { AsyncInvocationsCard } from "@/components/endpoints/async-invocations-card";
import { OnlineFeaturesCard } from "@/components/endpoints/online-features-card";

const ACTIVE_POLL_MS = 2000;
const IDLE_POLL_MS = 15_000;

/** One endpoint: traffic, variants, deployment history, its SLO, a prediction form and the way back to the last healthy version. */
export function EndpointDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.endpoints.get.queryOptions(
      { id },
      {
        refetchInterval: (q) =>
          q.state.data?.deployments[0] && isActiveStatus(q.state.data.deployments[0].status)
            ? ACTIVE_POLL_MS
            : IDLE_POLL_MS,
      },
    ),
  );
  const owner = query.data && { teamId: query.data.model.teamId };
  // Only the model's team (and admins) may change its endpoint; its managers may also roll it back.
  const canWrite = useCanChange("models:write", owner);
  const canRollBack = useCanChange("deployments:rollback", owner);
  const canTest = useCanChange("abtests:manage", owner);
  const canInvoke = useCanChange("endpoints:invoke", owner);
  if (query.isPending) return <LoadingState label="Loading endpoint…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;

  const endpoint = query.data;
  const busy = endpoint.deployments[0] ? isActiveStatus(endpoint.deployments[0].status) : false;
  const candidate = endpoint.rollbackCandidate;
  return (
    <>
      <EndpointHeader endpoint={endpoint} />
      {canRollBack && candidate && !busy && (
        <div
          className="mb-6 flex items-center justify-between gap-4 rounded-md border border-slate-200 bg-white px-4 py-3 text-sm"
          data-testid="rollback-bar"
        >
          <span className="text-slate-600">
            Serving v{candidate.fromVersion}. Something wrong? Put v{candidate.toVersion}, the previous healthy version,
            back.
          </span>
          <RollbackDialog endpointId={endpoint.id} endpointName={endpoint.name} />
        </div>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card
          title="Traffic split"
          actions={
            canTest &&
            endpoint.serving && (
              <Link
                href={newAbTestHref(endpoint.id)}
                className="text-xs font-medium text-indigo-700 hover:underline"
                data-testid="endpoint-new-ab-test"
              >
                Set up an A/B test
              </Link>
            )
          }
        >
          <TrafficSplit variants={endpoint.variants} />
        </Card>
        <Card title="Variants" className="min-w-0 lg:col-span-2">
          <VariantsTable modelName={endpoint.model.name} variants={endpoint.variants} />
        </Card>
        <Card title="Send a prediction" className="min-w-0 lg:col-span-2">
          {!endpoint.serving ? (
            <p className="text-sm text-slate-500">Nothing serves traffic here yet, so there is nothing to ask.</p>
          ) : !canWrite ? (
            <p className="text-sm text-slate-500">
              Data scientists can send test predictions to this endpoint from here.
            </p>
          ) : endpoint.target !== "LOCAL" && endpoint.componentHosting === null ? (
            <p className="text-sm text-slate-500">
              Predictions from the portal reach endpoints on the local runtime and SageMaker endpoints hosting inference
              components.
            </p>
          ) : (
            <PredictionPanel
              key={endpoint.serving.version}
              endpointId={endpoint.id}
              exampleRow={endpoint.serving.exampleRow}
              explains={endpoint.target === "LOCAL"}
            />
          )}
        </Card>
        {canInvoke && (endpoint.target === "LOCAL" || endpoint.asyncServing !== null) && (
          <div className="min-w-0 lg:col-span-3">
            <AsyncInvocationsCard endpointName={endpoint.name} />
          </div>
        )}
        {(endpoint.model.taskType === "LLM" || endpoint.target === "KUBERNETES") && (
          <LlmMetricsPanel endpointId={endpoint.id} />
        )}
        <Card title="Deployment history" className="min-w-0">
          <DeploymentHistory modelName={endpoint.model.name} deployments={endpoint.deployments} />
        </Card>
        <Card title="Service level objective" className="min-w-0">
          <EndpointSloForm
            key={`${endpoint.sloP99Ms}/${endpoint.sloAvailability}`}
            endpointId={endpoint.id}
            slo={{ p99Ms: endpoint.sloP99Ms, availability: endpoint.sloAvailability }}
            canEdit={canWrite}
          />
        </Card>
        <Card title="Prediction capture" className="min-w-0">
          <EndpointCaptureForm
            key={`${endpoint.captureRate}/${endpoint.captureRetentionDays}`}
            endpointId={endpoint.id}
            policy={{ rate: endpoint.captureRate, retentionDays: endpoint.captureRetentionDays }}
            canEdit={canWrite}
          />
        </Card>
        {endpoint.target === "LOCAL" && (
          <OnlineFeaturesCard
            endpointId={endpoint.id}
            teamId={endpoint.model.teamId}
            setting={endpoint.onlineFeatures}
            inputs={endpoint.serving?.signature?.inputs.map((input) => input.name) ?? []}
            outputs={endpoint.serving?.signature?.outputs.map((output) => output.name) ?? []}
            canEdit={canWrite}
          />
        )}
        {endpoint.target === "SAGEMAKER" && (
          <Card title="Serving mode" className="min-w-0">
            <EndpointAsyncServingForm endpointId={endpoint.id} serving={endpoint.asyncServing} canEdit={canWrite} />
          </Card>
        )}
        {endpoint.target === "SAGEMAKER" && (
          <Card title="Hosting" className="min-w-0">
            <EndpointComponentHostingForm
              endpoint={{ modelName: endpoint.model.name, environment: endpoint.environment }}
              hosting={endpoint.componentHosting}
              canEdit={canWrite}
            />
          </Card>
        )}
        {endpoint.target === "LOCAL" && (
          <Card title="Scale to zero" className="min-w-0">
            <EndpointScaleToZeroForm
              endpointId={endpoint.id}
              idleSeconds={endpoint.scaleToZeroIdleSeconds}
              canEdit={canWrite}
            />
          </Card>
        )}
      </div>
    </>
  );
}
