"use client";

import { useQuery } from "@tanstack/react-query";
import { Fact } from "@/components/ui/fact";
import { useTRPC } from "@/trpc/react";

const REFRESH_MS = 30_000;
/** The fraud pipeline's budget for the feature lookup stage. */
const LOOKUP_BUDGET_MS = 20;

const rows = (value: number | null) => (value === null ? "—" : Math.round(value).toLocaleString("en-US"));
const ms = (seconds: number | null) => (seconds === null ? "—" : `${(seconds * 1000).toFixed(1)} ms`);

/** The last hour of an endpoint's lookups and fallback answers, as the runtime counted them (read from Prometheus). */
export function OnlineFeatureMetricsPanel({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const query = useQuery(
    trpc.endpoints.onlineFeatureMetrics.queryOptions({ endpointId }, { refetchInterval: REFRESH_MS }),
  );
  if (query.isPending) return <p className="text-xs text-slate-500">Loading the last hour…</p>;
  if (query.isError)
    return <p className="text-xs text-rose-700">Prometheus could not be read: {query.error.message}</p>;
  const m = query.data;
  const lookupP95 = m.stageP95.feature_lookup;
  return (
    <div className="mt-4 border-t border-slate-100 pt-3" data-testid="online-feature-metrics">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Last hour</h3>
      <dl>
        <Fact label="Rows by feature source">
          Redis {rows(m.rows.hot)} · PostgreSQL {rows(m.rows.cold)} · neither {rows(m.rows.unavailable)}
        </Fact>
        <Fact label="Answered by the fallback">
          model failed {rows(m.fallback.model_failed)} · stores down {rows(m.fallback.features_unavailable)}
        </Fact>
        <Fact label="p95 per stage">
          lookup{" "}
          <span className={lookupP95 !== null && lookupP95 * 1000 > LOOKUP_BUDGET_MS ? "text-rose-700" : undefined}>
            {ms(lookupP95)}
          </span>{" "}
          (budget {LOOKUP_BUDGET_MS} ms) · request features {ms(m.stageP95.request_features)} · inference{" "}
          {ms(m.stageP95.inference)}
        </Fact>
      </dl>
    </div>
  );
}
