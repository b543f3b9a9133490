import Link from "next/link";
import { formatDateTime } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";
import { driftFeatureHref, formatPsi, formatRows } from "@/components/drift/drift-format";
import { heatmapColour, heatmapTextClass, type Thresholds } from "@/components/drift/heatmap-colour";

type VariantReports = RouterOutputs["drift"]["model"]["reportsByVariant"][number];

const timeLabel = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });

/**
 * Features × scans grid of PSI (recharts has no heatmap). A table, so screen readers get row and column headers;
 * every cell names its numbers in its label and tooltip and links to the feature view.
 */
export function DriftHeatmap({
  endpointId,
  data,
  thresholds,
}: {
  endpointId: string;
  data: VariantReports;
  thresholds: Thresholds;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="border-separate border-spacing-0.5 text-xs" data-testid="drift-heatmap">
        <caption className="sr-only">PSI per feature (rows) and scan (columns) for variant {data.variantName}</caption>
        <thead>
          <tr>
            <th scope="col" className="px-2 text-left font-medium text-slate-500">
              Feature
            </th>
            {data.reports.map((report) => (
              <th
                key={report.id}
                scope="col"
                className="px-1 font-normal text-slate-500"
                title={`Window ${formatDateTime(report.windowStart)} – ${formatDateTime(report.windowEnd)}`}
              >
                {timeLabel.format(report.windowEnd)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.features.map((feature) => (
            <tr key={feature}>
              <th scope="row" className="px-2 text-left font-mono font-normal text-slate-700">
                {feature}
              </th>
              {data.reports.map((report) => {
                const cell = report.features.find((f) => f.name === feature);
                if (!cell)
                  return <td key={report.id} className="h-7 min-w-12 rounded bg-slate-50" aria-label="no data" />;
                const label = `${feature} at ${formatDateTime(report.windowEnd)}: PSI ${formatPsi(cell.psi)}, n = ${formatRows(cell.sampleSize)}, m = ${formatRows(cell.referenceSize)}, no-drift ≈ ${formatPsi(cell.expectedPsi)}, noise ceiling ${formatPsi(cell.noiseCeiling)}, ${cell.status}`;
                return (
                  <td key={report.id} className="p-0">
                    <Link
                      href={driftFeatureHref(endpointId, feature, data.variantName)}
                      aria-label={label}
                      title={label}
                      data-testid="heatmap-cell"
                      data-feature={feature}
                      data-psi={cell.psi}
                      className={`block h-7 min-w-12 rounded px-1 text-center leading-7 tabular-nums focus:outline-none focus:ring-2 focus:ring-indigo-500 ${heatmapTextClass(cell.psi, cell.status, thresholds)}`}
                      style={{ backgroundColor: heatmapColour(cell.psi, cell.status, thresholds) }}
                    >
                      {formatPsi(cell.psi)}
                    </Link>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-slate-500">
        Green below {thresholds.warnPsi}, amber from {thresholds.warnPsi} (warn), red from {thresholds.alertPsi}{" "}
        (alert), but only when the PSI is also above its noise ceiling (the PSI sampling noise alone exceeds once in a
        thousand windows, shown in each cell&apos;s description); grey: too few rows to judge.
      </p>
    </div>
  );
}
