import type { AbAnalysis } from "@/contracts/abtest-analysis";
import { formatDateTime } from "@/lib/format";
import { formatCount } from "@/components/abtests/ab-analysis-format";
import { metricLabel } from "@/components/abtests/ab-test-format";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { armName } from "@/components/abtests/ab-verdict-wording";
import { ArmRowHeader } from "@/components/abtests/arm-row-header";
import { armProgress, type ArmProgress } from "@/components/abtests/arm-progress";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { tableClasses as t } from "@/components/ui/table-classes";
import { TableHead } from "@/components/ui/table-head";

function UnitsBar({ progress, label }: { progress: ArmProgress; label: string }) {
  if (progress.units === null) return <span className="text-slate-500">not measured</span>;
  const percent = progress.fraction === null ? null : Math.round(progress.fraction * 100);
  return (
    <span className="block min-w-40">
      <span className="flex justify-between gap-2 text-xs">
        <span>
          {formatCount(progress.units)}
          {progress.required !== null && ` of ${formatCount(progress.required)}`}
        </span>
        {percent !== null && <span className="text-slate-500">{percent} %</span>}
      </span>
      {percent !== null && (
        <span
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="mt-1 block h-2 overflow-hidden rounded-full bg-slate-100"
        >
          <span
            className={`block h-full rounded-full ${percent >= 100 ? "bg-emerald-500" : "bg-indigo-600"}`}
            style={{ width: `${percent}%` }}
          />
        </span>
      )}
    </span>
  );
}

/**
 * The arms at the latest look: traffic weight, the window's predictions, how many still wait for an outcome (the label
 * delay), and how far each is towards the sample the plan needs on the primary metric.
 */
export function AbArmsTable({ analysis, test }: { analysis: AbAnalysis; test: AbTestView }) {
  const plan = test.preRegistration;
  return (
    <Card title="Arms">
      <div className={t.wrapper}>
        <table className={t.table} data-testid="ab-arms">
          <TableHead
            columns={[
              "Arm",
              { label: "Traffic", numeric: true },
              { label: "Predictions", numeric: true },
              { label: "Waiting for an outcome", numeric: true },
              `${metricLabel(plan.primaryMetric)}: units against the plan`,
            ]}
          />
          <tbody className={t.body}>
            {analysis.arms.map((arm) => {
              const name = armName(test.arms, arm.variantName);
              return (
                <tr key={arm.variantName} className={t.row} data-testid="ab-arm">
                  <ArmRowHeader arms={test.arms} variantName={arm.variantName}>
                    {" "}
                    <span className="text-xs text-slate-500">
                      {arm.role === "CHAMPION" ? "champion" : "challenger"}
                    </span>
                    {arm.stoppedAt && (
                      <span className="mt-1 block">
                        <Badge tone="red">Stopped {formatDateTime(new Date(arm.stoppedAt))}</Badge>
                      </span>
                    )}
                  </ArmRowHeader>
                  <td className={`${t.tdWrap} ${t.numeric}`}>{arm.weight} %</td>
                  <td className={`${t.tdWrap} ${t.numeric}`}>{formatCount(arm.predictions)}</td>
                  <td className={`${t.tdWrap} ${t.numeric}`}>
                    {formatCount(arm.waitingForOutcome)}
                    {arm.waitingShare !== null && (
                      <span className="block text-xs text-slate-500">{(100 * arm.waitingShare).toFixed(1)} %</span>
                    )}
                  </td>
                  <td className={t.tdWrap}>
                    <UnitsBar
                      progress={armProgress(analysis, plan.requiredPerArm, arm)}
                      label={`${name}: units of ${metricLabel(plan.primaryMetric)} against the plan`}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
