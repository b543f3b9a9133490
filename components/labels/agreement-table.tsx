import type { ReactNode } from "react";
import { Card } from "@/components/ui/card";
import { cn } from "@/lib/cn";

/** An α or κ to three decimals, or a dash when the data cannot give one (no pairs, or no variation). */
export const formatAgreement = (value: number | null) => (value === null ? "—" : value.toFixed(3));

const th = "py-1 text-xs font-medium text-slate-500";
const num = "py-1 text-right font-mono";

export type AgreementRow = { key: string; name: ReactNode; value: number | null; items: number; low?: boolean };

/** One agreement statistic per row (class, annotator or pair), with the items behind it; low rows highlighted. */
export function AgreementTable(props: {
  title: string;
  testId: string;
  heading: string;
  /** The statistic's symbol (α, κ), also the value cells' test id ("alpha", "kappa"). */
  statistic: { symbol: string; testId: string };
  rows: readonly AgreementRow[];
}) {
  return (
    <Card title={props.title}>
      <table className="w-full text-sm" data-testid={props.testId}>
        <thead>
          <tr className="border-b border-slate-200 text-left">
            <th scope="col" className={th}>
              {props.heading}
            </th>
            <th scope="col" className={cn(th, "text-right")}>
              {props.statistic.symbol}
            </th>
            <th scope="col" className={cn(th, "text-right")}>
              Items
            </th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <tr
              key={row.key}
              data-row={row.key}
              data-low={row.low === undefined ? undefined : String(row.low)}
              className={cn("border-b border-slate-100 last:border-0", row.low && "bg-rose-50")}
            >
              <th scope="row" className="py-1 text-left font-normal">
                {row.name}
              </th>
              <td className={num} data-testid={props.statistic.testId}>
                {formatAgreement(row.value)}
              </td>
              <td className={num} data-testid="items">
                {row.items}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
