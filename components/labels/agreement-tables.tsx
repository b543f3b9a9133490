import { AgreementTable, formatAgreement } from "@/components/labels/agreement-table";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import type { RouterOutputs } from "@/trpc/react";

type Agreement = RouterOutputs["labels"]["agreement"];

const ALPHA = { symbol: "α", testId: "alpha" };

/** The agreement figures: overall α, α per class and per annotator (low ones highlighted), κ per pair. */
export function AgreementTables({ data }: { data: Agreement }) {
  const pairKey = (pair: Agreement["pairs"][number]) => pair.annotators.map((a) => a.id).join("|");
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
        <AgreementTable
          title="α per class (that class against the rest)"
          testId="alpha-per-class"
          heading="Class"
          statistic={ALPHA}
          rows={data.perClass.map((row) => ({ key: row.label, name: row.label, value: row.alpha, items: row.items }))}
        />
      )}
      <AgreementTable
        title="α per annotator"
        testId="alpha-per-annotator"
        heading="Annotator"
        statistic={ALPHA}
        rows={data.perAnnotator.map((row) => ({
          key: row.annotator.id,
          name: (
            <>
              {row.annotator.name} {row.low && <Badge tone="red">low</Badge>}
            </>
          ),
          value: row.alpha,
          items: row.items,
          low: row.low,
        }))}
      />
      {data.pairs.length > 0 && (
        <AgreementTable
          title="Cohen's κ per pair of annotators"
          testId="kappa-pairs"
          heading="Pair"
          statistic={{ symbol: "κ", testId: "kappa" }}
          rows={data.pairs.map((pair) => ({
            key: pairKey(pair),
            name: pair.annotators.map((a) => a.name).join(" & "),
            value: pair.kappa,
            items: pair.items,
          }))}
        />
      )}
    </div>
  );
}
