"use client";

import { useQuery } from "@tanstack/react-query";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { tableClasses as t } from "@/components/ui/table-classes";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/trpc/react";
import { EMPTY_DRAFT, PriceRow, type PriceDraft } from "@/components/cost/price-row";

const HEADERS = ["Instance type", "Target", "$/hour", "vCPUs", "Memory GiB", "GPUs", "Source"];

/** The price table behind every cost figure: one editable row per instance type, plus a row to add one. */
export function PricingPage() {
  const trpc = useTRPC();
  const prices = useQuery(trpc.cost.prices.queryOptions());

  return (
    <>
      <PageHeader
        title="Pricing"
        description="Hourly price per instance type. Cost = instance-seconds measured by Prometheus × this price. Seeded list prices are public on-demand prices and should be checked; every change is audited. Enter saves a row, Escape undoes its edits."
      />
      {prices.isPending ? (
        <LoadingState label="Loading prices…" />
      ) : prices.isError ? (
        <ErrorState error={prices.error} onRetry={() => void prices.refetch()} />
      ) : (
        <div className={t.wrapper}>
          <table className={t.table} data-testid="pricing-table">
            <thead className={t.head}>
              <tr>
                {HEADERS.map((header) => (
                  <th key={header} scope="col" className={t.th}>
                    {header}
                  </th>
                ))}
                <th scope="col" className={t.th}>
                  <span className="sr-only">Save</span>
                </th>
              </tr>
            </thead>
            <tbody className={t.body}>
              {prices.data.map((price) => {
                const draft: PriceDraft = {
                  name: price.name,
                  target: price.target,
                  hourlyUsd: String(price.hourlyUsd),
                  vcpus: price.vcpus === null ? "" : String(price.vcpus),
                  memoryGib: price.memoryGib === null ? "" : String(price.memoryGib),
                  gpus: String(price.gpus),
                  source: price.source,
                };
                const meta = `Updated ${formatDateTime(price.updatedAt)}${price.updatedBy ? ` by ${price.updatedBy}` : " (seed)"}`;
                return <PriceRow key={`${price.id}:${price.updatedAt.getTime()}`} initial={draft} meta={meta} />;
              })}
              <PriceRow key="new" initial={EMPTY_DRAFT} isNew />
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
