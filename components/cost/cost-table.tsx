import { Badge } from "@/components/ui/badge";
import { tableClasses as t } from "@/components/ui/table-classes";
import { cn } from "@/lib/cn";
import type { RouterOutputs } from "@/trpc/react";
import { formatInstanceHours, formatUsd } from "@/components/cost/cost-format";
import { PredictionsCell } from "@/components/cost/predictions-cell";
import { TargetBadge } from "@/components/cost/target-badge";

type Row = RouterOutputs["cost"]["overview"]["byEndpoint"][number];

/**
 * Cost rows for one grouping (endpoint, model, team or target), most expensive first. Each row's $/1k predictions is
 * its endpoints' cost over the same endpoints' predictions, each counted on its own target; "not measured" when some
 * could not be counted.
 */
export function CostTable({
  caption,
  rows,
  testId,
  showOwner,
  showTarget,
}: {
  caption: string;
  rows: Row[];
  testId: string;
  showOwner?: boolean;
  showTarget?: boolean;
}) {
  return (
    // Wide enough to scroll sideways on narrow screens: the region takes focus so keyboards can scroll it too.
    <div
      className={cn(t.wrapper, "focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:outline-none")}
      tabIndex={0}
      role="region"
      aria-label={caption}
    >
      <table className={t.table} data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className={t.head}>
          <tr>
            <th scope="col" className={t.th}>
              {caption}
            </th>
            {showOwner && (
              <th scope="col" className={t.th}>
                Model · team
              </th>
            )}
            <th scope="col" className={cn(t.th, "text-right")}>
              Instance-hours
            </th>
            <th scope="col" className={cn(t.th, "text-right")}>
              Cost
            </th>
            <th scope="col" className={cn(t.th, "text-right")}>
              $/hour now
            </th>
            <th scope="col" className={cn(t.th, "text-right")}>
              Predictions
            </th>
            <th scope="col" className={cn(t.th, "text-right")}>
              $ / 1k predictions
            </th>
          </tr>
        </thead>
        <tbody className={t.body}>
          {rows.map((row) => (
            <tr
              key={row.key}
              className={t.row}
              data-row={row.label}
              data-instance-seconds={row.instanceSeconds}
              data-usd={row.usd}
              data-predictions={row.predictions ?? "not-measured"}
              data-target={row.target ?? "mixed"}
            >
              <th scope="row" className={cn(t.td, "font-medium text-slate-900")}>
                {row.label}
                {showTarget && row.target && <TargetBadge target={row.target} />}
                {row.unpricedInstanceTypes.length > 0 && (
                  <Badge tone="amber" className="ml-2">
                    no price: {row.unpricedInstanceTypes.join(", ")}
                  </Badge>
                )}
              </th>
              {showOwner && (
                <td className={t.td}>{row.modelName ? `${row.modelName} · ${row.teamName}` : "not in the registry"}</td>
              )}
              <td className={cn(t.td, t.numeric)}>{formatInstanceHours(row.instanceSeconds)}</td>
              <td className={cn(t.td, t.numeric)} data-cell="usd">
                {formatUsd(row.usd)}
              </td>
              <td className={cn(t.td, t.numeric)}>{formatUsd(row.usdPerHourNow)}</td>
              <td className={cn(t.td, t.numeric)} data-cell="predictions">
                <PredictionsCell predictions={row.predictions} notMeasured={row.predictionsNotMeasured} />
              </td>
              <td className={cn(t.td, t.numeric)} data-cell="usd-per-1k">
                {row.predictions === null ? "not measured" : formatUsd(row.usdPer1kPredictions)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
