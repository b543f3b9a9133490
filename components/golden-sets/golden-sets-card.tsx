"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { tableClasses } from "@/components/ui/table-classes";
import { FreezeFromLabelsForm } from "@/components/golden-sets/freeze-from-labels-form";
import { GoldenSetUploadForm } from "@/components/golden-sets/golden-set-upload-form";
import { useTRPC } from "@/trpc/react";

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

function GoldenSetsTable({ modelName }: { modelName: string }) {
  const trpc = useTRPC();
  const sets = useQuery(trpc.goldenSets.list.queryOptions({ modelName }));
  if (sets.isPending) return <LoadingState label="Loading golden sets…" />;
  if (sets.isError) return <ErrorState error={sets.error} onRetry={() => void sets.refetch()} />;
  if (sets.data.length === 0)
    return (
      <EmptyState
        title="No golden sets yet"
        description="Without one, production promotions of this model are not gated on a golden set."
      />
    );
  const headers = ["Name", "Version", "Rows", "Source", "Content hash", "Training overlap", "Created"];
  return (
    <div className={tableClasses.wrapper}>
      <table className={tableClasses.table} data-testid="golden-sets">
        <thead className={tableClasses.head}>
          <tr>
            {headers.map((h) => (
              <th key={h} scope="col" className={tableClasses.th}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={tableClasses.body}>
          {sets.data.map((set) => (
            <tr key={set.id}>
              <th scope="row" className={tableClasses.td}>
                {set.name}
              </th>
              <td className={tableClasses.td}>v{set.version}</td>
              <td className={tableClasses.td}>{set.rowCount.toLocaleString()}</td>
              <td className={tableClasses.td}>
                {set.source === "CSV" ? `CSV ${set.sourceName}` : `labels ${set.sourceName}`}
              </td>
              <td className={tableClasses.td}>
                <code className="text-xs" title={set.contentHash}>
                  {set.contentHash.slice(0, 12)}
                </code>
              </td>
              <td className={tableClasses.td}>
                {set.overlap === null ? (
                  <span className="text-slate-500">no training sample</span>
                ) : (
                  <span className="flex items-center gap-2">
                    {set.overlap.count} rows ({percent.format(set.overlap.share)})
                    {set.overlap.warn && <Badge tone="amber">overlaps training</Badge>}
                  </span>
                )}
              </td>
              <td className={tableClasses.td}>{set.createdAt.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A model's golden sets (frozen, versioned), the CSV upload of a new one and freezing one from accepted labels. */
export function GoldenSetsCard({
  modelName,
  mayUpload,
  className,
}: {
  modelName: string;
  mayUpload: boolean;
  className?: string;
}) {
  return (
    <Card title="Golden sets" className={className}>
      <div className="space-y-4">
        <GoldenSetsTable modelName={modelName} />
        {mayUpload && <GoldenSetUploadForm modelName={modelName} />}
        {mayUpload && (
          <div className="border-t border-slate-200 pt-4">
            <FreezeFromLabelsForm modelName={modelName} />
          </div>
        )}
      </div>
    </Card>
  );
}
