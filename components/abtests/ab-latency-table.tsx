import type { AbQuantile } from "@/contracts/abtest-analysis";
import { formatCount } from "@/components/abtests/ab-analysis-format";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { ArmRowHeader } from "@/components/abtests/arm-row-header";
import { TableHead } from "@/components/ui/table-head";
import { QuantileCell } from "@/components/abtests/quantile-cell";
import { Card } from "@/components/ui/card";
import { tableClasses as t } from "@/components/ui/table-classes";

/** Latency quantiles per arm from the runtime's histograms, each with the bucket it lies in (its true range). */
export function AbLatencyTable({ quantiles, arms }: { quantiles: AbQuantile[]; arms: AbTestView["arms"] }) {
  const levels = [...new Set(quantiles.map((q) => q.quantile))].sort((a, b) => a - b);
  const variants = [...new Set(quantiles.map((q) => q.variantName))];
  return (
    <Card title="Latency">
      <div data-testid="ab-latency">
        {quantiles.length === 0 ? (
          <p className="text-sm text-slate-500">No latency metric in this test.</p>
        ) : (
          <div className={t.wrapper}>
            <table className={t.table}>
              <TableHead
                columns={[
                  "Arm",
                  ...levels.map((level) => `p${Math.round(level * 100)}`),
                  { label: "Requests", numeric: true },
                ]}
              />
              <tbody className={t.body}>
                {variants.map((variantName) => {
                  const own = quantiles.filter((q) => q.variantName === variantName);
                  return (
                    <tr key={variantName} className={t.row}>
                      <ArmRowHeader arms={arms} variantName={variantName} />
                      {levels.map((level) => (
                        <td key={level} className={t.tdWrap}>
                          <QuantileCell quantile={own.find((q) => q.quantile === level)} />
                        </td>
                      ))}
                      <td className={`${t.tdWrap} ${t.numeric}`}>
                        {formatCount(Math.max(0, ...own.map((q) => q.requests)))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Card>
  );
}
