import type { RouterOutputs } from "@/trpc/react";
import { AsyncStatusBadge } from "@/components/endpoints/async-status-badge";
import { formatBytes, formatDuration, formatRelative } from "@/lib/format";

export type AsyncInvocationItem = RouterOutputs["asyncInvocations"]["list"]["items"][number];

const WEBHOOK_LABEL = { PENDING: "webhook pending", DELIVERED: "webhook delivered", FAILED: "webhook failed" } as const;

/** One invocation: what was sent, how it went, who answered, and its result to download. */
export function AsyncInvocationRow({ invocation: i }: { invocation: AsyncInvocationItem }) {
  return (
    <li className="space-y-1 py-3 text-sm" data-testid="async-invocation" data-invocation-id={i.id}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="flex items-center gap-2">
          <code className="text-xs text-slate-700">{i.id}</code>
          <AsyncStatusBadge status={i.status} />
        </span>
        <span className="text-xs text-slate-500" title={i.createdAt.toISOString()}>
          {formatRelative(i.createdAt)}
        </span>
      </div>
      <p className="text-xs text-slate-600">
        {i.contentType === "text/csv" ? "CSV" : "JSON"} · {formatBytes(i.inputBytes)}
        {i.rows !== null && ` · ${i.rows.toLocaleString("en")} rows`}
        {i.startedAt && ` · ${formatDuration(i.startedAt, i.finishedAt)}`}
        {i.attempts > 1 && ` · ${i.attempts} attempts`}
        {i.served.length > 0 &&
          ` · answered by ${i.served.map((s) => `${s.variant}${s.modelVersion ? ` (v${s.modelVersion})` : ""}`).join(", ")}`}
        {i.callback?.deliveryStatus && ` · ${WEBHOOK_LABEL[i.callback.deliveryStatus]}`}
      </p>
      {i.failureReason && (
        <p className="text-xs text-red-700" data-testid="async-failure">
          {i.failureReason}
        </p>
      )}
      {i.callback?.error && i.callback.deliveryStatus !== "DELIVERED" && (
        <p className="text-xs text-amber-700">Webhook: {i.callback.error}</p>
      )}
      {i.status === "SUCCEEDED" && (
        <a
          href={`/api/async-invocations/${i.id}/result`}
          className="text-xs font-medium text-indigo-700 hover:underline"
          data-testid="async-download"
          download
        >
          Download the result{i.outputBytes !== null && ` (${formatBytes(i.outputBytes)})`}
        </a>
      )}
    </li>
  );
}
