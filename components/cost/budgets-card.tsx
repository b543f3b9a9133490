"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { tableClasses as t } from "@/components/ui/table-classes";
import { cn } from "@/lib/cn";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { useCan } from "@/lib/use-can";
import { BudgetDialog } from "@/components/cost/budget-dialog";
import { formatUsd } from "@/components/cost/cost-format";

type Status = RouterOutputs["cost"]["budgets"]["forecasts"][number]["status"];

const STATUS: Record<NonNullable<Status>, { tone: BadgeTone; label: string }> = {
  UNDER: { tone: "green", label: "On track" },
  FORECAST_OVER: { tone: "amber", label: "Forecast over" },
  OVER: { tone: "red", label: "Over budget" },
};

/** Budget vs month-end forecast per team; managers set budgets and can run the alert check at once. */
export function BudgetsCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canManage = useCan("budgets:manage");
  const budgets = useQuery(trpc.cost.budgets.queryOptions(undefined, { refetchInterval: 60_000 }));
  const check = useMutation(
    trpc.cost.checkBudgets.mutationOptions({
      onSuccess: () =>
        Promise.all([queryClient.invalidateQueries({ queryKey: trpc.alerts.open.queryKey() }), budgets.refetch()]),
    }),
  );

  return (
    <Card
      title={budgets.data ? `Budgets, ${budgets.data.month}` : "Budgets"}
      actions={
        canManage && (
          <Button variant="secondary" size="sm" disabled={check.isPending} onClick={() => check.mutate()}>
            {check.isPending ? "Checking…" : "Check budgets now"}
          </Button>
        )
      }
    >
      {budgets.isPending ? (
        <LoadingState label="Forecasting the month…" />
      ) : budgets.isError ? (
        <ErrorState error={budgets.error} onRetry={() => void budgets.refetch()} />
      ) : (
        <>
          <p className="mb-3 text-xs text-slate-500">
            Forecast = spent this month + $/hour now × hours left in the month (UTC). An alert is raised when the
            forecast exceeds the budget.
          </p>
          <div className={t.wrapper}>
            <table className={t.table} data-testid="budgets-table">
              <thead className={t.head}>
                <tr>
                  <th scope="col" className={t.th}>
                    Team
                  </th>
                  <th scope="col" className={cn(t.th, "text-right")}>
                    Budget
                  </th>
                  <th scope="col" className={cn(t.th, "text-right")}>
                    Spent this month
                  </th>
                  <th scope="col" className={cn(t.th, "text-right")}>
                    $/hour now
                  </th>
                  <th scope="col" className={cn(t.th, "text-right")}>
                    Forecast
                  </th>
                  <th scope="col" className={t.th}>
                    Status
                  </th>
                  {canManage && (
                    <th scope="col" className={t.th}>
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody className={t.body}>
                {budgets.data.forecasts.map((f) => (
                  <tr key={f.teamId} className={t.row} data-row={f.teamName}>
                    <th scope="row" className={cn(t.td, "font-medium text-slate-900")}>
                      {f.teamName}
                    </th>
                    <td className={cn(t.td, t.numeric)}>{f.monthlyUsd === null ? "none" : formatUsd(f.monthlyUsd)}</td>
                    <td className={cn(t.td, t.numeric)}>{formatUsd(f.monthToDateUsd)}</td>
                    <td className={cn(t.td, t.numeric)}>{formatUsd(f.usdPerHourNow)}</td>
                    <td className={cn(t.td, t.numeric)}>{formatUsd(f.forecastUsd)}</td>
                    <td className={t.td}>
                      {f.status ? (
                        <Badge tone={STATUS[f.status].tone}>{STATUS[f.status].label}</Badge>
                      ) : (
                        <span className="text-slate-500">no budget</span>
                      )}
                    </td>
                    {canManage && (
                      <td className={cn(t.td, "text-right")}>
                        <BudgetDialog teamId={f.teamId} teamName={f.teamName} monthlyUsd={f.monthlyUsd} />
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {check.error && (
            <p role="alert" className="mt-2 text-sm text-rose-700">
              {check.error.message}
            </p>
          )}
        </>
      )}
    </Card>
  );
}
