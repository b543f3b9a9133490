import type { AbComparison } from "@/contracts/abtest-analysis";
import type { AbMetricKey } from "@/contracts/abtests";
import {
  differenceDirection,
  formatArmValue,
  formatCount,
  formatDifference,
  formatPValue,
} from "@/components/abtests/ab-analysis-format";
import { metricLabel } from "@/components/abtests/ab-test-format";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { armName } from "@/components/abtests/ab-verdict-wording";
import { IntervalBar } from "@/components/abtests/interval-bar";
import { intervalExtent } from "@/components/abtests/interval-bar-geometry";
import { Card } from "@/components/ui/card";
import { tableClasses as t } from "@/components/ui/table-classes";
import { TableHead } from "@/components/ui/table-head";

const ROLE_WORDS = { PRIMARY: "primary", GUARDRAIL: "guardrail", SECONDARY: "secondary" } as const;

function Difference({ comparison, extent }: { comparison: AbComparison; extent: number | null }) {
  const { metric, estimate, lower, upper } = comparison;
  if (estimate === null) return <span className="text-slate-500">{comparison.note ?? "not measured"}</span>;
  const direction = differenceDirection(comparison);
  return (
    <span className="flex items-center gap-3">
      <span className={direction === "worse" ? "text-rose-700" : direction === "better" ? "text-emerald-700" : ""}>
        {formatDifference(metric, estimate)}
        {lower !== null && upper !== null && (
          <span className="block text-xs text-slate-500">
            {formatDifference(metric, lower)} to {formatDifference(metric, upper)}
          </span>
        )}
      </span>
      <IntervalBar estimate={estimate} lower={lower} upper={upper} extent={extent} direction={direction} />
    </span>
  );
}

function FixedHorizon({ comparison }: { comparison: AbComparison }) {
  const fixed = comparison.fixedHorizon;
  if (!fixed) return <span className="text-slate-400">—</span>;
  return (
    <span>
      {formatDifference(comparison.metric, fixed.estimate)}, p {formatPValue(fixed.pValue)}
      <span className="block text-xs text-slate-500">
        {formatDifference(comparison.metric, fixed.lower)} to {formatDifference(comparison.metric, fixed.upper)}
      </span>
    </span>
  );
}

/**
 * Every metric × challenger at the latest look: both arms' values in the metric's unit, the difference with its
 * always-valid interval (and a picture of it around 0, on one scale per metric), the always-valid p-value (BH-adjusted
 * too for secondaries), and the fixed-horizon test once the planned sample is reached.
 */
export function AbComparisonsTable({ comparisons, arms }: { comparisons: AbComparison[]; arms: AbTestView["arms"] }) {
  const extents = new Map<AbMetricKey, number | null>();
  for (const c of comparisons)
    if (!extents.has(c.metric)) extents.set(c.metric, intervalExtent(comparisons.filter((o) => o.metric === c.metric)));
  const anyFixed = comparisons.some((c) => c.fixedHorizon !== null);
  return (
    <Card title="Metrics: challenger against champion">
      {comparisons.length === 0 ? (
        <p className="text-sm text-slate-500">No metric was compared at this look.</p>
      ) : (
        <div className={t.wrapper}>
          <table className={t.table} data-testid="ab-comparisons">
            <caption className="sr-only">
              Each metric and challenger: champion and challenger values, the difference (challenger − champion) with
              its always-valid interval, and its always-valid p-value
            </caption>
            <TableHead
              columns={[
                "Metric",
                "Challenger",
                { label: "Champion", numeric: true },
                { label: "Challenger value", numeric: true },
                "Difference (always-valid interval)",
                { label: "p (always valid)", numeric: true },
                anyFixed && "Fixed horizon",
              ]}
            />
            <tbody className={t.body}>
              {comparisons.map((c) => (
                <tr key={`${c.metric}:${c.variantName}`} className={t.row}>
                  <th scope="row" className={`${t.tdWrap} text-left font-normal`}>
                    <span className="font-medium">{metricLabel(c.metric)}</span>
                    <span className="block text-xs text-slate-500">{ROLE_WORDS[c.role]}</span>
                  </th>
                  <td className={t.tdWrap}>{armName(arms, c.variantName)}</td>
                  <td className={`${t.tdWrap} ${t.numeric}`}>
                    {formatArmValue(c, c.control.value)}
                    <span className="block text-xs text-slate-500">n = {formatCount(c.control.units)}</span>
                  </td>
                  <td className={`${t.tdWrap} ${t.numeric}`}>
                    {formatArmValue(c, c.treatment.value)}
                    <span className="block text-xs text-slate-500">n = {formatCount(c.treatment.units)}</span>
                  </td>
                  <td className={t.tdWrap}>
                    <Difference comparison={c} extent={extents.get(c.metric) ?? null} />
                  </td>
                  <td className={`${t.tdWrap} ${t.numeric}`}>
                    {/* A metric never measured has p = 1 from no data: a dash, not a result. */}
                    {formatPValue(c.estimate === null && c.pValue >= 1 ? null : c.pValue)}
                    {c.adjustedPValue !== null && (
                      <span className="block text-xs text-slate-500">BH {formatPValue(c.adjustedPValue)}</span>
                    )}
                    <span className="block text-xs text-slate-500">α {c.alpha.toPrecision(2)}</span>
                  </td>
                  {anyFixed && (
                    <td className={t.tdWrap}>
                      <FixedHorizon comparison={c} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
