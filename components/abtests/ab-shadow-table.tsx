import type { AbShadow } from "@/contracts/abtest-analysis";
import { formatCount } from "@/components/abtests/ab-analysis-format";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { ArmRowHeader } from "@/components/abtests/arm-row-header";
import { TableHead } from "@/components/ui/table-head";
import { QuantileCell } from "@/components/abtests/quantile-cell";
import { Card } from "@/components/ui/card";
import { tableClasses as t } from "@/components/ui/table-classes";

function disagreementText(shadow: AbShadow): string {
  if (shadow.disagreement === null) return shadow.note ?? "no answered pairs yet";
  return shadow.measure === "class_disagreement"
    ? `${(100 * shadow.disagreement).toFixed(1)} % of answers differ`
    : `${shadow.disagreement.toLocaleString("en", { maximumSignificantDigits: 4 })} mean absolute difference`;
}

/** In shadow mode: how often each shadow's answer differs from the live answer to the same request, and its latency. */
export function AbShadowTable({ shadows, arms }: { shadows: AbShadow[]; arms: AbTestView["arms"] }) {
  const levels = [...new Set(shadows.flatMap((s) => s.latency.map((q) => q.quantile)))].sort((a, b) => a - b);
  return (
    <Card title="Shadow against live answers">
      <div className={t.wrapper}>
        <table className={t.table} data-testid="ab-shadow">
          <TableHead
            columns={[
              "Shadow",
              "Disagreement with the live answer",
              { label: "Pairs", numeric: true },
              ...levels.map((level) => `p${Math.round(level * 100)}`),
            ]}
          />
          <tbody className={t.body}>
            {shadows.map((shadow) => (
              <tr key={shadow.variantName} className={t.row}>
                <ArmRowHeader arms={arms} variantName={shadow.variantName} />
                <td className={t.tdWrap}>{disagreementText(shadow)}</td>
                <td className={`${t.tdWrap} ${t.numeric}`}>{formatCount(shadow.pairs)}</td>
                {levels.map((level) => (
                  <td key={level} className={t.tdWrap}>
                    <QuantileCell quantile={shadow.latency.find((q) => q.quantile === level)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
