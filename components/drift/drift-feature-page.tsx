"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { DemoBadge } from "@/components/ui/demo-badge";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { tableClasses as t } from "@/components/ui/table-classes";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { useUrlState } from "@/lib/use-url-state";
import { BinProportionsChart } from "@/components/drift/bin-proportions-chart";
import { driftEndpointHref, formatRows, formatShare } from "@/components/drift/drift-format";
import { DriftEmptyState } from "@/components/drift/drift-empty-state";
import { DriftStatusBadge } from "@/components/drift/drift-status-badge";
import { parseVariantUrl, serializeVariantUrl } from "@/components/drift/drift-url";
import { PsiValue } from "@/components/drift/psi-value";

/** One feature of one variant: reference vs production per bin in the latest scan, and the PromQL it came from. */
export function DriftFeaturePage({ endpointId, feature }: { endpointId: string; feature: string }) {
  const trpc = useTRPC();
  const [state] = useUrlState(parseVariantUrl, serializeVariantUrl);
  const drift = useQuery(
    trpc.drift.feature.queryOptions(
      { endpointId, feature, variantName: state.variant ?? undefined },
      { refetchInterval: 30_000 },
    ),
  );
  if (drift.isPending) return <LoadingState label="Loading the feature's bins…" />;
  if (drift.isError) return <ErrorState error={drift.error} onRetry={() => void drift.refetch()} />;
  const data = drift.data;
  const latest = data.latest;
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            <span className="font-mono">{feature}</span> on <span className="font-mono">{data.endpointName}</span>
            {data.isDemo && <DemoBadge />}
          </span>
        }
        description={
          <>
            <Link
              href={driftEndpointHref(data.endpointId, data.variantName ?? undefined)}
              className="text-indigo-700 underline underline-offset-2"
            >
              Back to the endpoint
            </Link>{" "}
            · {data.modelName} · variant {data.variantName ?? "–"}
          </>
        }
      />
      {!latest ? (
        <DriftEmptyState title={`No scan has measured ${feature} on this variant yet`} />
      ) : (
        <div className="space-y-6">
          <Card
            title={
              <span className="flex flex-wrap items-center gap-2">
                PSI{" "}
                <PsiValue
                  psi={latest.psi}
                  sampleSize={latest.sampleSize}
                  referenceSize={latest.referenceSize}
                  expectedPsi={latest.expectedPsi}
                  noiseCeiling={latest.noiseCeiling}
                />
                <DriftStatusBadge status={latest.status} />
              </span>
            }
          >
            <p className="mb-3 text-xs text-slate-500">
              v{latest.version} · {latest.kind.toLowerCase()} feature · window {formatDateTime(latest.windowStart)} –{" "}
              {formatDateTime(latest.windowEnd)}
            </p>
            <BinProportionsChart feature={feature} bins={latest.bins} />
          </Card>
          <Card title="Bins">
            <div className={t.wrapper}>
              <table className={t.table} data-testid="feature-bins-table">
                <thead className={t.head}>
                  <tr>
                    <th scope="col" className={t.th}>
                      Bin
                    </th>
                    <th scope="col" className={`${t.th} text-right`}>
                      Reference
                    </th>
                    <th scope="col" className={`${t.th} text-right`}>
                      Production
                    </th>
                    <th scope="col" className={`${t.th} text-right`}>
                      Production rows
                    </th>
                  </tr>
                </thead>
                <tbody className={t.body}>
                  {latest.bins.map((bin) => (
                    <tr key={bin.label} data-testid="feature-bin-row" data-count={bin.productionCount}>
                      <td className={`${t.td} font-mono`}>{bin.label}</td>
                      <td className={`${t.td} ${t.numeric}`}>{formatShare(bin.reference)}</td>
                      <td className={`${t.td} ${t.numeric}`}>{formatShare(bin.production)}</td>
                      <td className={`${t.td} ${t.numeric}`}>{formatRows(bin.productionCount)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
          <Card title="Where the production counts come from">
            <p className="mb-2 text-sm text-slate-600">
              Evaluated in Prometheus at the window&apos;s end ({formatDateTime(latest.windowEnd)}), then the cumulative
              buckets are differenced into per-bin counts. increase() extrapolates to the window&apos;s edges, so n is
              an estimate rounded to whole rows.
            </p>
            <pre
              className="overflow-x-auto rounded bg-slate-900 p-3 text-xs text-slate-100"
              data-testid="feature-promql"
              data-time={latest.windowEnd.getTime() / 1000}
            >
              {latest.promql}
            </pre>
          </Card>
        </div>
      )}
    </>
  );
}
