import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { cn } from "@/lib/cn";
import type { RouterOutputs } from "@/trpc/react";

type Agreement = RouterOutputs["labels"]["agreement"];

/** An α or κ to three decimals, or a dash when the data cannot give one (no pairs, or no variation). */
const formatAgreement = (value: number | null) => (value === null ? "—" : value.toFixed(3));

const th = "py-1 text-xs font-medium text-slate-500";
const num = "py-1 text-right font-mono";

/** The agreement figures: overall α, α per class and per annotator (low ones highlighted), κ per pair. */
export function AgreementTables({ data }: { data: Agreement }) {
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title={`Krippendorff's α (${data.metric})`}>
        <p className="text-3xl font-semibold" data-testid="alpha-overall">
          {formatAgreement(data.overall.alpha)}
        </p>
        <p className="text-sm text-slate-500">
          over <span data-testid="alpha-overall-items">{data.overall.items}</span> items with two or more labels
        </p>
      </Card>
      {data.perClass.length > 0 && (
        <Card title="α per class (that class against the rest)">
          <table className="w-full text-sm" data-testid="alpha-per-class">
            <thead>
              <tr className="border-b border-slate-200 text-left">
                <th scope="col" className={th}>
                  Class
                </th>
                <th scope="col" className={cn(th, "text-right")}>
                  α
                </th>
                <th scope="col" className={cn(th, "text-right")}>
                  Items
                </th>
              </tr>
            </thead>
            <tbody>
              {data.perClass.map((row) => (
                <tr key={row.label} data-row={row.label} className="border-b border-slate-100 last:border-0">
                  <th scope="row" className="py-1 text-left font-normal">
                    {row.label}
                  </th>
                  <td className={num} data-testid="alpha">
                    {formatAgreement(row.alpha)}
                  </td>
                  <td className={num} data-testid="items">
                    {row.items}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
      <Card title="α per annotator">
        <table className="w-full text-sm" data-testid="alpha-per-annotator">
          <thead>
            <tr className="border-b border-slate-200 text-left">
              <th scope="col" className={th}>
                Annotator
              </th>
              <th scope="col" className={cn(th, "text-right")}>
                α
              </th>
              <th scope="col" className={cn(th, "text-right")}>
                Items
              </th>
            </tr>
          </thead>
          <tbody>
            {data.perAnnotator.map((row) => (
              <tr
                key={row.annotator.id}
                data-row={row.annotator.id}
                data-low={row.low ? "true" : "false"}
                className={cn("border-b border-slate-100 last:border-0", row.low && "bg-rose-50")}
              >
                <th scope="row" className="py-1 text-left font-normal">
                  {row.annotator.name} {row.low && <Badge tone="red">low</Badge>}
                </th>
                <td className={num} data-testid="alpha">
                  {formatAgreement(row.alpha)}
                </td>
                <td className={num} data-testid="items">
                  {row.items}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {data.pairs.length > 0 && (
        <Card title="Cohen's κ per pair of annotators">
          <table className="w-full text-sm" data-testid="kappa-pairs">
            <thead>
              <tr className="border-b border-slate-200 text-left">
                <th scope="col" className={th}>
                  Pair
                </th>
                <th scope="col" className={cn(th, "text-right")}>
                  κ
                </th>
                <th scope="col" className={cn(th, "text-right")}>
                  Items
                </th>
              </tr>
            </thead>
            <tbody>
              {data.pairs.map((pair) => (
                <tr
                  key={pair.annotators.map((a) => a.id).join("|")}
                  data-row={pair.annotators.map((a) => a.id).join("|")}
                  className="border-b border-slate-100 last:border-0"
                >
                  <th scope="row" className="py-1 text-left font-normal">
                    {pair.annotators.map((a) => a.name).join(" & ")}
                  </th>
                  <td className={num} data-testid="kappa">
                    {formatAgreement(pair.kappa)}
                  </td>
                  <td className={num} data-testid="items">
                    {pair.items}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </div>
  );
}
