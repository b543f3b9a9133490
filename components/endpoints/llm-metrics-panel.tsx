"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatUsd } from "@/components/cost/cost-format";
import { formatRatio, formatSeconds, NO_DATA } from "@/components/latency/latency-format";
import { tokenCostNote } from "@/components/endpoints/llm-format";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { RangePicker } from "@/components/ui/range-picker";
import { tableClasses as t } from "@/components/ui/table-classes";
import { COST_RANGE_KEYS, type CostRange } from "@/contracts/cost-ranges";
import { cn } from "@/lib/cn";
import { type RouterOutputs, useTRPC } from "@/trpc/react";

type LlmMetrics = RouterOutputs["endpoints"]["llmMetrics"];
type Row = LlmMetrics["variants"][number];

const POLL_MS = 30_000;
const count = (value: number | null) => (value === null ? NO_DATA : Math.round(value).toLocaleString("en"));

const COLUMNS: Array<{ label: string; title: string; format: (row: Row) => string }> = [
  { label: "Requests", title: "Requests finished in the range", format: (r) => count(r.requests) },
  { label: "TTFT p95", title: "Time to first token, 95th percentile", format: (r) => formatSeconds(r.ttftP95) },
  {
    label: "Inter-token p95",
    title: "Time between output tokens, 95th percentile",
    format: (r) => formatSeconds(r.interTokenP95),
  },
  { label: "E2E p95", title: "Whole request, 95th percentile", format: (r) => formatSeconds(r.e2eP95) },
  {
    label: "Queue p95",
    title: "Time waiting to be scheduled, 95th percentile",
    format: (r) => formatSeconds(r.queueP95),
  },
  { label: "Waiting", title: "Requests waiting now, all pods", format: (r) => count(r.waiting) },
  { label: "Running", title: "Requests running now, all pods", format: (r) => count(r.running) },
  { label: "KV cache", title: "KV-cache use now, average of the pods", format: (r) => formatRatio(r.kvCacheUsage) },
  { label: "Prompt tokens", title: "Prompt tokens in the range", format: (r) => count(r.promptTokens) },
  { label: "Generated tokens", title: "Generated tokens in the range", format: (r) => count(r.generationTokens) },
];

function VariantTable({ rows }: { rows: Row[] }) {
  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid="llm-metrics-table">
        <thead className={t.head}>
          <tr>
            <th scope="col" className={t.th}>
              Variant
            </th>
            {COLUMNS.map((column) => (
              <th key={column.label} scope="col" title={column.title} className={cn(t.th, "text-right")}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={t.body}>
          {rows.map((row) => (
            <tr key={row.variant} className={t.row}>
              <td className={t.td}>{row.variant}</td>
              {COLUMNS.map((column) => (
                <td key={column.label} className={cn(t.td, t.numeric)}>
                  {column.format(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** $ per 1M tokens, or why there is none: never a number that was not measured. */
function TokenCost({ cost }: { cost: LlmMetrics["cost"] }) {
  const why = tokenCostNote(cost);
  return (
    <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4" data-testid="llm-token-cost">
      <div>
        <dt className="text-slate-500">$ per 1M tokens</dt>
        <dd className="text-lg font-semibold text-slate-900">{formatUsd(cost.usdPer1MTokens)}</dd>
      </div>
      <div>
        <dt className="text-slate-500">Tokens (prompt + generated)</dt>
        <dd className="text-lg font-semibold text-slate-900">{count(cost.tokens)}</dd>
      </div>
      <div>
        <dt className="text-slate-500">Instance cost in range</dt>
        <dd className="text-lg font-semibold text-slate-900">{formatUsd(cost.usd)}</dd>
      </div>
      <div>
        <dt className="text-slate-500">$/hour now</dt>
        <dd className="text-lg font-semibold text-slate-900">{formatUsd(cost.usdPerHourNow)}</dd>
      </div>
      {why && <p className="col-span-full text-slate-500">{why}</p>}
    </dl>
  );
}

function PanelBody({ data }: { data: LlmMetrics }) {
  if (data.unsupported) return <p className="text-sm text-slate-500">{data.unsupported}.</p>;
  if (!data.measured)
    return (
      <EmptyState
        title="No vLLM metrics in this range"
        description="Prometheus has no vLLM series from this endpoint's pods yet: they appear once a pod is scraped and serves requests."
      />
    );
  return (
    <div className="space-y-4">
      <TokenCost cost={data.cost} />
      <VariantTable rows={data.variants} />
      <details className="text-xs text-slate-500">
        <summary className="cursor-pointer">PromQL behind these numbers</summary>
        <ul className="mt-2 space-y-1 font-mono">
          {data.promql.map((q) => (
            <li key={`${q.label}:${q.promql}`} className="break-all">
              <span className="font-semibold">{q.label}</span>: {q.promql}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

/**
 * An LLM endpoint's serving numbers from vLLM's own Prometheus series: time to first token and inter-token p95,
 * queue, KV-cache use and tokens per variant, and what a million tokens cost. Renders nothing for other endpoints.
 */
export function LlmMetricsPanel({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const [range, setRange] = useState<CostRange>("1h");
  const query = useQuery(
    trpc.endpoints.llmMetrics.queryOptions({ endpointId, window: { range } }, { refetchInterval: POLL_MS }),
  );
  if (query.data && !query.data.llm) return null;
  return (
    <Card
      title="LLM serving (vLLM)"
      className="min-w-0 lg:col-span-3"
      actions={<RangePicker ranges={COST_RANGE_KEYS} value={range} onChange={setRange} />}
    >
      {query.isPending ? (
        <LoadingState label="Reading vLLM metrics…" />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <PanelBody data={query.data} />
      )}
    </Card>
  );
}
