import Link from "next/link";
import { endpointHref } from "@/components/endpoints/endpoint-list-params";
import { versionHref } from "@/components/registry/format";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { ENVIRONMENT_LABELS, strategySummary, TARGET_LABELS } from "@/components/deployments/labels";
import { SERVING_MODE_LABELS } from "@/contracts/serving-modes";

type Deployment = RouterOutputs["deployments"]["get"];

/** Model vX → endpoint, where it runs, its status and who asked for and approved it. */
export function DeploymentHeader({ deployment }: { deployment: Deployment }) {
  const { promotion, endpoint } = deployment;
  const { model, version } = promotion.version;
  const approvers = promotion.approvals.filter((a) => a.approved).map((a) => a.approver.name);
  return (
    <div className="mb-6">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/deployments" className="hover:underline">
          Deployments
        </Link>{" "}
        / <span className="font-mono text-slate-700">{deployment.id}</span>
      </nav>
      <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight text-slate-900">
        <Link href={versionHref(model.name, version)} className="hover:underline" data-testid="deployment-version">
          {model.name} <span className="font-mono">v{version}</span>
        </Link>
        <span className="text-slate-500">→</span>
        <Link
          href={endpointHref(endpoint.id)}
          className="font-mono text-xl hover:underline"
          data-testid="deployment-endpoint"
        >
          {endpoint.name}
        </Link>
        <DeploymentStatusBadge status={deployment.status} testId="deployment-status" />
      </h1>
      <p className="mt-1 text-sm text-slate-600">
        {ENVIRONMENT_LABELS[endpoint.environment]} · {TARGET_LABELS[endpoint.target]} ·{" "}
        {promotion.servingMode && `${SERVING_MODE_LABELS[promotion.servingMode]} · `}
        {strategySummary(deployment.strategy)}
      </p>
      <p className="mt-1 text-sm text-slate-500">
        Requested by {promotion.requestedBy.name} on {formatDateTime(deployment.createdAt)}
        {approvers.length > 0
          ? ` · approved by ${approvers.join(", ")}`
          : promotion.environment === "STAGING"
            ? " · staging needs no approval"
            : ""}
        {deployment.finishedAt && ` · finished ${formatDateTime(deployment.finishedAt)}`}
      </p>
      {promotion.reason && (
        <p className="mt-2 max-w-3xl whitespace-pre-wrap text-sm text-slate-700">“{promotion.reason}”</p>
      )}
    </div>
  );
}
