"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useCallback } from "react";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { useTRPC } from "@/trpc/react";
import { useUrlState } from "@/lib/use-url-state";
import { AuditFilters } from "@/components/admin/audit-filters";
import { AuditPager } from "@/components/admin/audit-pager";
import { AuditRow } from "@/components/admin/audit-row";
import {
  auditQueryInput,
  auditStateFromParams,
  hasFilters,
  serializeAuditState,
  type AuditFilterKey,
  type AuditUrlState,
} from "@/components/admin/audit-url";

const PAGE_SIZE = 50;
const NO_CURSOR = { before: undefined, after: undefined };
const CLEARED: AuditUrlState = {
  action: undefined,
  entityType: undefined,
  entityId: undefined,
  actor: undefined,
  from: undefined,
  to: undefined,
  ...NO_CURSOR,
};

export function AuditPage() {
  const trpc = useTRPC();
  const [state, update] = useUrlState(auditStateFromParams, serializeAuditState);
  const log = useQuery({
    ...trpc.admin.audit.queryOptions(auditQueryInput(state, PAGE_SIZE)),
    placeholderData: keepPreviousData,
  });
  const facets = useQuery(trpc.admin.auditFacets.queryOptions(undefined, { staleTime: 60_000 }));

  const changeFilters = useCallback(
    (patch: Partial<Record<AuditFilterKey, string>>) => update({ ...patch, ...NO_CURSOR }),
    [update],
  );
  const clearFilters = () => update(CLEARED);
  const filtered = hasFilters(state);
  const paged = Boolean(state.before || state.after);

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change in Modelport: who made it (and with which API token), when, and what it changed."
      />
      <AuditFilters
        state={state}
        facets={facets.data}
        onChange={changeFilters}
        onClear={filtered ? clearFilters : null}
      />
      {log.isPending ? (
        <LoadingState label="Loading the audit log…" />
      ) : log.isError ? (
        <ErrorState error={log.error} onRetry={() => void log.refetch()} />
      ) : log.data.rows.length === 0 ? (
        <EmptyState
          title={filtered ? "No changes match these filters" : "Nothing has been audited yet"}
          description={
            filtered
              ? "Widen the date range or clear a filter."
              : "Changes to models, runs, users and tokens appear here."
          }
        />
      ) : (
        <div className={log.isPlaceholderData ? "opacity-60 transition-opacity" : undefined}>
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-left text-sm" data-testid="audit-table">
              <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="w-8 px-2 py-2">
                    <span className="sr-only">Details</span>
                  </th>
                  <th scope="col" className="px-2 py-2 font-medium">
                    When
                  </th>
                  <th scope="col" className="px-2 py-2 font-medium">
                    Who
                  </th>
                  <th scope="col" className="px-2 py-2 font-medium">
                    Action
                  </th>
                  <th scope="col" className="px-2 py-2 font-medium">
                    Entity
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {log.data.rows.map((row) => (
                  <AuditRow
                    key={row.id}
                    row={row}
                    onFilterEntity={(entityType, entityId) => changeFilters({ entityType, entityId })}
                  />
                ))}
              </tbody>
            </table>
          </div>
          <AuditPager
            newerCursor={log.data.newerCursor}
            olderCursor={log.data.olderCursor}
            onNewest={paged ? () => update(NO_CURSOR) : null}
            onPage={(cursor) => update({ ...NO_CURSOR, ...cursor })}
          />
        </div>
      )}
    </>
  );
}
