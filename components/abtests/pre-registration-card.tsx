import { AB_METRICS } from "@/contracts/abtests";
import type { AbTestPreview } from "@/components/abtests/ab-test-types";
import { formatDays, formatMetricValue, metricLabel } from "@/components/abtests/ab-test-format";

type Plan = AbTestPreview["preRegistration"];
type Arm = { variantName: string; role: string; weight: number; version: number };

/** The plan: what is measured, the effect worth detecting, α and power, and the sample and time that implies. */
export function PreRegistrationSummary({ plan, arms }: { plan: Plan; arms: readonly Arm[] }) {
  const metric = AB_METRICS[plan.primaryMetric];
  const baselineText =
    metric.kind === "mean"
      ? `standard deviation ${formatMetricValue(plan.primaryMetric, plan.baseline)}`
      : formatMetricValue(plan.primaryMetric, plan.baseline);
  const unit = metric.kind === "rate" ? "requests" : "predictions with an outcome";
  return (
    <div className="space-y-3 text-sm text-slate-700" data-testid="pre-registration">
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-3">
        <div>
          <dt className="text-xs text-slate-500">Primary metric</dt>
          <dd className="font-medium">{metricLabel(plan.primaryMetric)}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Smallest effect worth detecting</dt>
          <dd className="font-medium">
            {metric.better === "higher" ? "+" : "−"}
            {formatMetricValue(plan.primaryMetric, plan.mde)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Champion baseline</dt>
          <dd className="font-medium" data-testid="pre-registration-baseline">
            {baselineText}{" "}
            <span className="text-xs font-normal text-slate-500">
              {plan.baselineSource === "measured"
                ? `measured from ${plan.baselineUnits.toLocaleString("en")} outcomes (28 days)`
                : "entered"}
            </span>
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">α / power</dt>
          <dd className="font-medium">
            {plan.alpha} / {plan.power}
            {plan.comparisonAlpha < plan.alpha && (
              <span className="block text-xs font-normal text-slate-500">
                α {plan.comparisonAlpha.toPrecision(2)} per challenger (Bonferroni)
              </span>
            )}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Traffic (last 7 days)</dt>
          <dd className="font-medium">
            {Math.round(plan.unitsPerDay).toLocaleString("en")} {unit} a day
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Expected duration</dt>
          <dd className="font-medium" data-testid="pre-registration-days">
            {formatDays(plan.expectedDays)}
          </dd>
        </div>
      </dl>
      <table className="w-full text-left text-sm" data-testid="pre-registration-arms">
        <thead>
          <tr className="text-xs text-slate-500">
            <th className="py-1 font-medium">Arm</th>
            <th className="py-1 font-medium">Traffic</th>
            <th className="py-1 text-right font-medium">Sample needed</th>
          </tr>
        </thead>
        <tbody>
          {arms.map((arm) => (
            <tr key={arm.variantName} className="border-t border-slate-100">
              <td className="py-1">
                v{arm.version}{" "}
                <span className="text-xs text-slate-500">{arm.role === "CHAMPION" ? "champion" : "challenger"}</span>
              </td>
              <td className="py-1">{arm.weight} %</td>
              <td className="py-1 text-right tabular-nums">
                {(plan.requiredPerArm[arm.variantName] ?? 0).toLocaleString("en")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-xs text-slate-500">
        Sequential design (mSPRT): the result may be read at any time without inflating false positives. The sample is
        what the chosen power needs under that design, about 1.6 times a fixed-horizon test&apos;s.
      </p>
    </div>
  );
}
