"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { RangePicker } from "@/components/ui/range-picker";
import { Select } from "@/components/ui/select";
import { useUrlState } from "@/lib/use-url-state";
import { useTRPC } from "@/trpc/react";
import { GROUND_TRUTH_SOURCES, QUALITY_RANGE_KEYS, groundTruthSourceSchema } from "@/contracts/quality";
import { QualityEndpointSection } from "@/components/quality/quality-endpoint-section";
import { SOURCE_EXPLANATIONS, SOURCE_LABELS } from "@/components/quality/quality-format";
import { parseQualityState, serializeQualityState } from "@/components/quality/quality-url";

/** Production quality from ground truth, Horvitz–Thompson weighted, per endpoint, variant and day. */
export function QualityPage() {
  const trpc = useTRPC();
  const [{ range, source, endpoint }, update] = useUrlState(parseQualityState, serializeQualityState);
  const dashboard = useQuery({
    ...trpc.quality.dashboard.queryOptions({ range, source, endpointId: endpoint || undefined }),
    placeholderData: keepPreviousData,
  });
  const all = useQuery(trpc.quality.dashboard.queryOptions({ range, source }, { enabled: endpoint !== "" }));
  const choices = ((endpoint ? all.data : dashboard.data)?.endpoints ?? []).map((e) => ({
    id: e.endpointId,
    name: e.endpointName,
  }));

  return (
    <>
      <PageHeader
        title="Production quality"
        description="Measured against ground truth: each labelled prediction weighted by 1/π, its inclusion probability, so over-sampled strata do not bias the estimate. Intervals are Taylor-linearised, Wilson-type for proportions (see docs/quality.md)."
        actions={
          <>
            <Select aria-label="Endpoint" value={endpoint} onChange={(e) => update({ endpoint: e.target.value })}>
              <option value="">All endpoints</option>
              {choices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
            <Select
              aria-label="Ground truth"
              value={source}
              onChange={(e) => update({ source: groundTruthSourceSchema.parse(e.target.value) })}
            >
              {GROUND_TRUTH_SOURCES.map((s) => (
                <option key={s} value={s}>
                  {SOURCE_LABELS[s]}
                </option>
              ))}
            </Select>
            <RangePicker ranges={QUALITY_RANGE_KEYS} value={range} onChange={(next) => update({ range: next })} />
          </>
        }
      />
      <p className="mb-4 text-xs text-slate-500" data-testid="quality-source" data-source={source}>
        Ground truth: {SOURCE_LABELS[source]}. {SOURCE_EXPLANATIONS[source]}
      </p>
      {dashboard.isPending ? (
        <LoadingState label="Estimating quality…" />
      ) : dashboard.isError ? (
        <ErrorState error={dashboard.error} onRetry={() => void dashboard.refetch()} />
      ) : dashboard.data.endpoints.length === 0 ? (
        <EmptyState
          title="No endpoints yet"
          description={
            <>
              Quality is measured per endpoint. <Link href="/endpoints">Deploy a model to an endpoint</Link>, send
              predictions and record their outcomes.
            </>
          }
        />
      ) : (
        <div className="space-y-10">
          <p className="text-xs text-slate-500" data-testid="quality-as-of">
            {dashboard.data.days[0]} – {dashboard.data.days.at(-1)} (UTC days, by prediction time) ·{" "}
            {Math.round(dashboard.data.confidence * 100)}% intervals · numbers behind fewer than{" "}
            {dashboard.data.minLabelled} labelled rows are not shown
          </p>
          {dashboard.data.endpoints.map((e) => (
            <QualityEndpointSection key={e.endpointId} endpoint={e} dashboard={dashboard.data} />
          ))}
        </div>
      )}
    </>
  );
}
