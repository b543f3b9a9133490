import Link from "next/link";
import { tableClasses as t } from "@/components/ui/table-classes";
import type { RouterOutputs } from "@/trpc/react";
import { driftFeatureHref, formatPsi, formatRows } from "@/components/drift/drift-format";
import { DriftStatusBadge } from "@/components/drift/drift-status-badge";
import { NOISE_CEILING_HELP } from "@/components/drift/noise-ceiling-help";

type Report = RouterOutputs["drift"]["model"]["reportsByVariant"][number]["reports"][number];

/** The latest scan of one variant, feature by feature: PSI beside n, m and the no-drift expectation. */
export function LatestReportTable({
  endpointId,
  variantName,
  features,
  report,
}: {
  endpointId: string;
  variantName: string;
  features: string[];
  report: Report;
}) {
  const rows = features.map((name) => report.features.find((f) => f.name === name)).filter((f) => f !== undefined);
  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid="latest-report-table">
        <thead className={t.head}>
          <tr>
            <th scope="col" className={t.th}>
              Feature
            </th>
            <th scope="col" className={`${t.th} text-right`}>
              PSI
            </th>
            <th scope="col" className={`${t.th} text-right`}>
              n (production)
            </th>
            <th scope="col" className={`${t.th} text-right`}>
              m (reference)
            </th>
            <th scope="col" className={`${t.th} text-right`}>
              <abbr title={NOISE_CEILING_HELP} className="cursor-help no-underline">
                No-drift PSI
              </abbr>
            </th>
            <th scope="col" className={`${t.th} text-right`}>
              <abbr title={NOISE_CEILING_HELP} className="cursor-help no-underline">
                Noise ceiling
              </abbr>
            </th>
            <th scope="col" className={t.th}>
              Status
            </th>
          </tr>
        </thead>
        <tbody className={t.body}>
          {rows.map((f) => (
            <tr key={f.name} data-testid="latest-report-row" data-feature={f.name} data-status={f.status}>
              <td className={t.td}>
                <Link
                  href={driftFeatureHref(endpointId, f.name, variantName)}
                  className="font-mono text-indigo-700 hover:underline"
                >
                  {f.name}
                </Link>
              </td>
              <td className={`${t.td} text-right tabular-nums`}>{formatPsi(f.psi)}</td>
              <td className={`${t.td} text-right tabular-nums`}>{formatRows(f.sampleSize)}</td>
              <td className={`${t.td} text-right tabular-nums`}>{formatRows(f.referenceSize)}</td>
              <td className={`${t.td} text-right tabular-nums`}>{formatPsi(f.expectedPsi)}</td>
              <td className={`${t.td} text-right tabular-nums`}>{formatPsi(f.noiseCeiling)}</td>
              <td className={t.td}>
                <DriftStatusBadge status={f.status} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
