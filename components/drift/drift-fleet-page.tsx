"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";
import { useUrlState } from "@/lib/use-url-state";
import { DriftEmptyState } from "@/components/drift/drift-empty-state";
import { DriftFleetTable } from "@/components/drift/drift-fleet-table";
import {
  DRIFT_ENVIRONMENTS,
  parseFleetUrl,
  serializeFleetUrl,
  type DriftEnvironment,
} from "@/components/drift/drift-url";

const ENVIRONMENT_LABELS: Record<DriftEnvironment, string> = {
  PRODUCTION: "Production",
  STAGING: "Staging",
  ALL: "All environments",
};

/** Every deployed model variant's latest drift scan: worst feature with its PSI, sample sizes and no-drift baseline. */
export function DriftFleetPage() {
  const trpc = useTRPC();
  const [state, update] = useUrlState(parseFleetUrl, serializeFleetUrl);
  const fleet = useQuery(
    trpc.drift.fleet.queryOptions({ environment: state.environment }, { refetchInterval: 30_000 }),
  );
  return (
    <>
      <PageHeader
        title="Drift"
        description="PSI per feature between each version's training reference and its production traffic. Every PSI is shown with its sample sizes (n production rows, m reference rows) and the value sampling noise alone would give."
        actions={
          <label className="flex items-center gap-2 text-sm text-slate-600">
            Environment
            <Select
              value={state.environment}
              onChange={(e) => update({ environment: e.target.value as DriftEnvironment })}
              data-testid="drift-environment"
            >
              {DRIFT_ENVIRONMENTS.map((environment) => (
                <option key={environment} value={environment}>
                  {ENVIRONMENT_LABELS[environment]}
                </option>
              ))}
            </Select>
          </label>
        }
      />
      {fleet.isPending ? (
        <LoadingState label="Loading drift status…" />
      ) : fleet.isError ? (
        <ErrorState error={fleet.error} onRetry={() => void fleet.refetch()} />
      ) : fleet.data.length === 0 || fleet.data.every((row) => row.report === null) ? (
        <>
          {fleet.data.length > 0 && <DriftFleetTable rows={fleet.data} />}
          <div className="mt-4">
            <DriftEmptyState
              title={
                fleet.data.length === 0
                  ? `No ${ENVIRONMENT_LABELS[state.environment].toLowerCase()} endpoints yet`
                  : "No drift scans yet"
              }
            />
          </div>
        </>
      ) : (
        <DriftFleetTable rows={fleet.data} />
      )}
    </>
  );
}
