"use client";

import { useQuery } from "@tanstack/react-query";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { GateRuleForm } from "@/components/golden-sets/gate-rule-form";
import { useTRPC } from "@/trpc/react";

type Props = { modelName: string; classes: readonly string[] | null; canWrite: boolean; className?: string };

/** The model's golden-set gate rule: the form for its team, the criteria as text for everyone else. */
export function GateRuleCard({ modelName, classes, canWrite, className }: Props) {
  const trpc = useTRPC();
  const rule = useQuery(trpc.goldenSets.gateRule.queryOptions({ modelName }));
  return (
    <Card title="Golden-set gate rule" className={className}>
      {rule.isPending ? (
        <LoadingState label="Loading the gate rule…" />
      ) : rule.isError ? (
        <ErrorState error={rule.error} onRetry={() => void rule.refetch()} />
      ) : canWrite ? (
        <GateRuleForm
          key={rule.data?.updatedAt.toISOString() ?? "none"}
          modelName={modelName}
          classes={classes}
          rule={rule.data?.rule}
        />
      ) : rule.data === null ? (
        <p className="text-sm text-slate-600">No gate rule: production promotions are not checked on a golden set.</p>
      ) : (
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700" data-testid="gate-rule">
          {rule.data.rule.criteria.map((c, i) => (
            <li key={i}>
              {c.metric}
              {c.class ? ` (${c.class})` : ""}
              {c.margin !== null ? `, margin ${c.margin}` : ""}
              {c.bound !== null
                ? `, ${c.metric === "mae" || c.metric === "rmse" ? "ceiling" : "floor"} ${c.bound}`
                : ""}
            </li>
          ))}
          <li>
            {Math.round(rule.data.rule.confidenceLevel * 100)}% intervals, {rule.data.rule.resamples} resamples, golden
            set {rule.data.rule.goldenSetName ?? "the latest of any name"}
          </li>
        </ul>
      )}
    </Card>
  );
}
