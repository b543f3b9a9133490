import { IntentLink } from "@/components/ui/intent-link";
import { DemoBadge } from "@/components/ui/demo-badge";
import { PageHeader } from "@/components/ui/page-header";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";

type Experiment = RouterOutputs["experiments"]["get"];

/** The breadcrumb and title of an experiment's page: name, description, run count, team and creation time. */
export function ExperimentHeader({ experiment: e }: { experiment: Experiment }) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <IntentLink href="/experiments" className="hover:text-indigo-700 hover:underline">
          Experiments
        </IntentLink>
        <span aria-hidden> / </span>
        <span aria-current="page" className="text-slate-700">
          {e.name}
        </span>
      </nav>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {e.name}
            {e.isDemo && <DemoBadge />}
          </span>
        }
        description={
          <span className="flex flex-wrap gap-x-4 gap-y-1">
            {e.description && <span className="basis-full text-slate-600">{e.description}</span>}
            <span>{e.runCount.toLocaleString()} runs</span>
            {e.teamName && <span>Team {e.teamName}</span>}
            <span>Created {formatDateTime(e.createdAt)}</span>
          </span>
        }
      />
    </>
  );
}
