import Link from "next/link";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { deploymentHref, ENVIRONMENT_LABELS, TARGET_LABELS } from "@/components/deployments/labels";
import { modelHref } from "@/components/registry/format";
import { DemoBadge } from "@/components/ui/demo-badge";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";

type Endpoint = RouterOutputs["endpoints"]["get"];

/** Model → endpoint name, where it runs, and how its latest deployment went. */
export function EndpointHeader({ endpoint }: { endpoint: Endpoint }) {
  const latest = endpoint.deployments[0];
  return (
    <div className="mb-6">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/endpoints" className="hover:underline">
          Endpoints
        </Link>{" "}
        / <span className="font-mono text-slate-700">{endpoint.name}</span>
      </nav>
      <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight text-slate-900">
        <Link href={modelHref(endpoint.model.name)} className="hover:underline" data-testid="endpoint-model">
          {endpoint.model.name}
        </Link>
        <span className="text-slate-500">→</span>
        <span className="font-mono text-xl" data-testid="endpoint-name">
          {endpoint.name}
        </span>
        {endpoint.model.isDemo && <DemoBadge />}
      </h1>
      <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
        <span data-testid="endpoint-environment">{ENVIRONMENT_LABELS[endpoint.environment]}</span> ·{" "}
        <span data-testid="endpoint-target">{TARGET_LABELS[endpoint.target]}</span> · created{" "}
        {formatDateTime(endpoint.createdAt)}
        {latest && (
          <>
            {" "}
            · latest deployment{" "}
            <Link href={deploymentHref(latest.id)} className="hover:underline">
              <DeploymentStatusBadge status={latest.status} testId="endpoint-latest-status" />
            </Link>
          </>
        )}
      </p>
    </div>
  );
}
