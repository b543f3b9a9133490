import Link from "next/link";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { deploymentHref } from "@/components/deployments/labels";
import { versionHref } from "@/components/registry/format";
import { formatDateTime, formatRelative } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";

type Deployment = RouterOutputs["endpoints"]["get"]["deployments"][number];

/** The endpoint's deployments, newest first, each linking to its timeline. */
export function DeploymentHistory({ modelName, deployments }: { modelName: string; deployments: Deployment[] }) {
  if (deployments.length === 0) return <p className="text-sm text-slate-500">Nothing has been deployed here yet.</p>;
  return (
    <ol className="divide-y divide-slate-100 text-sm" data-testid="endpoint-history">
      {deployments.map((d) => (
        <li
          key={d.id}
          className="flex flex-wrap items-start justify-between gap-2 py-2"
          data-testid="endpoint-history-item"
          data-status={d.status}
        >
          <div className="min-w-0">
            <div className="flex items-center gap-2">
              <Link href={versionHref(modelName, d.promotion.version.version)} className="font-mono hover:underline">
                v{d.promotion.version.version}
              </Link>
              <DeploymentStatusBadge status={d.status} />
              <Link href={deploymentHref(d.id)} className="text-indigo-700 hover:underline">
                Timeline<span className="sr-only"> of the deployment of v{d.promotion.version.version}</span>
              </Link>
            </div>
            <p className="mt-0.5 truncate text-slate-600" title={d.promotion.reason}>
              {d.promotion.reason}
            </p>
            {d.failureReason && <p className="mt-0.5 text-rose-700">{d.failureReason}</p>}
          </div>
          <time
            dateTime={d.createdAt.toISOString()}
            title={formatDateTime(d.createdAt)}
            className="whitespace-nowrap text-slate-500"
          >
            {formatRelative(d.createdAt)} by {d.promotion.requestedBy.name}
          </time>
        </li>
      ))}
    </ol>
  );
}
