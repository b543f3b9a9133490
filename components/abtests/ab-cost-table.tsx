import type { AbCost } from "@/contracts/abtest-analysis";
import { formatCount, formatUsd } from "@/components/abtests/ab-analysis-format";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { ArmRowHeader } from "@/components/abtests/arm-row-header";
import { TableHead } from "@/components/ui/table-head";
import { tableClasses as t } from "@/components/ui/table-classes";

/** What each arm cost per 1,000 predictions over the test's window (the cost domain's hourly prices). */
export function AbCostTable({ costs, arms }: { costs: AbCost[]; arms: AbTestView["arms"] }) {
  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid="ab-cost">
        <caption className="px-3 pt-2 text-left text-xs font-semibold text-slate-600">$ per 1,000 predictions</caption>
        <TableHead
          columns={[
            "Arm",
            { label: "Per 1,000", numeric: true },
            { label: "Cost", numeric: true },
            { label: "Predictions", numeric: true },
          ]}
        />
        <tbody className={t.body}>
          {costs.map((cost) => (
            <tr key={cost.variantName} className={t.row}>
              <ArmRowHeader arms={arms} variantName={cost.variantName} />
              {cost.usdPer1k === null ? (
                <td colSpan={3} className={`${t.tdWrap} text-slate-500`}>
                  {cost.note ?? "not measured"}
                </td>
              ) : (
                <>
                  <td className={`${t.tdWrap} ${t.numeric}`}>{formatUsd(cost.usdPer1k)}</td>
                  <td className={`${t.tdWrap} ${t.numeric}`}>{cost.usd === null ? "—" : formatUsd(cost.usd)}</td>
                  <td className={`${t.tdWrap} ${t.numeric}`}>
                    {cost.predictions === null ? "—" : formatCount(cost.predictions)}
                  </td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
