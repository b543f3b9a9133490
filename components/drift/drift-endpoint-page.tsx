"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { DemoBadge } from "@/components/ui/demo-badge";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { Select } from "@/components/ui/select";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { useCanChange } from "@/lib/use-can";
import { useUrlState } from "@/lib/use-url-state";
import { formatWindow } from "@/components/drift/drift-format";
import { DriftEmptyState } from "@/components/drift/drift-empty-state";
import { DriftHeatmap } from "@/components/drift/drift-heatmap";
import { DriftStatusBadge } from "@/components/drift/drift-status-badge";
import { DriftThresholdsForm } from "@/components/drift/drift-thresholds-form";
import { parseVariantUrl, serializeVariantUrl } from "@/components/drift/drift-url";
import { LatestReportTable } from "@/components/drift/latest-report-table";
import { ScanNowButton } from "@/components/drift/scan-now-button";

/** The model view of one endpoint: PSI per feature over recent scans, and the latest scan in full. */
export function DriftEndpointPage({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const [state, update] = useUrlState(parseVariantUrl, serializeVariantUrl);
  const drift = useQuery(trpc.drift.model.queryOptions({ endpointId, reports: 48 }, { refetchInterval: 30_000 }));
  const canWrite = useCanChange("models:write", drift.data && { teamId: drift.data.teamId });
  if (drift.isPending) return <LoadingState label="Loading drift reports…" />;
  if (drift.isError) return <ErrorState error={drift.error} onRetry={() => void drift.refetch()} />;
  const data = drift.data;
  const selected = data.reportsByVariant.find((v) => v.variantName === state.variant) ?? data.reportsByVariant[0];
  const latest = selected?.reports.at(-1);
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            Drift · <span className="font-mono">{data.endpointName}</span>
            {data.isDemo && <DemoBadge />}
          </span>
        }
        description={
          <>
            <Link href="/dashboards/drift" className="text-indigo-700 underline underline-offset-2">
              All endpoints
            </Link>{" "}
            · {data.modelName} · {data.environment.toLowerCase()}
          </>
        }
        actions={
          <>
            {data.variants.length > 1 && (
              <label className="flex items-center gap-2 text-sm text-slate-600">
                Variant
                <Select
                  value={selected?.variantName ?? ""}
                  onChange={(e) => update({ variant: e.target.value })}
                  data-testid="drift-variant"
                >
                  {data.variants.map((v) => (
                    <option key={v.variantName} value={v.variantName}>
                      {v.variantName} (v{v.version}, {v.weight}%)
                    </option>
                  ))}
                </Select>
              </label>
            )}
            {canWrite && <ScanNowButton endpointId={data.endpointId} />}
          </>
        }
      />
      {!selected || !latest ? (
        <DriftEmptyState title="No drift scans of this endpoint yet" />
      ) : (
        <div className="space-y-6">
          <Card title={`PSI per feature over the last ${selected.reports.length} scans (${selected.variantName})`}>
            <DriftHeatmap endpointId={data.endpointId} data={selected} thresholds={data.thresholds} />
          </Card>
          <Card
            title={
              <span className="flex items-center gap-2">
                Latest scan: v{latest.version}, {formatWindow(latest.windowSeconds)} window ending{" "}
                {formatDateTime(latest.windowEnd)}
                <DriftStatusBadge status={latest.status} />
              </span>
            }
          >
            <LatestReportTable
              endpointId={data.endpointId}
              variantName={selected.variantName}
              features={selected.features}
              report={latest}
            />
          </Card>
        </div>
      )}
      {canWrite && (
        <Card title={`Thresholds for ${data.modelName}`} className="mt-6">
          <DriftThresholdsForm modelName={data.modelName} thresholds={data.thresholds} />
        </Card>
      )}
    </>
  );
}
