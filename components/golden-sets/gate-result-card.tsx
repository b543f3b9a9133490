"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { GateMetricsTable } from "@/components/golden-sets/gate-metrics-table";
import { GateStatusBadge } from "@/components/golden-sets/gate-status-badge";
import { useTRPC } from "@/trpc/react";

type Props = { modelName: string; version: number; className?: string };

/**
 * The golden-set gate for a version as a production promotion would meet it: not configured (and why), not run yet
 * (with a button to run it), running (polled), or its verdict per metric with the interval of Δ.
 */
export function GateResultCard({ modelName, version, className }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const gate = useQuery({
    ...trpc.goldenSets.versionGate.queryOptions({ modelName, version }),
    refetchInterval: (query) => {
      const data = query.state.data;
      const status = data?.configured ? data.evaluation?.status : undefined;
      return status === "QUEUED" || status === "RUNNING" ? 2000 : false;
    },
  });
  const run = useMutation(
    trpc.goldenSets.runGate.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.goldenSets.versionGate.pathKey() }),
    }),
  );
  const runButton = (
    <Button size="sm" variant="secondary" onClick={() => run.mutate({ modelName, version })} disabled={run.isPending}>
      {run.isPending ? "Starting…" : "Run the gate"}
    </Button>
  );
  if (gate.isPending)
    return (
      <Card title="Golden-set gate" className={className}>
        <LoadingState label="Loading the gate…" />
      </Card>
    );
  if (gate.isError)
    return (
      <Card title="Golden-set gate" className={className}>
        <ErrorState error={gate.error} onRetry={() => void gate.refetch()} />
      </Card>
    );
  const data = gate.data;
  if (!data.configured)
    return (
      <Card title="Golden-set gate" className={className}>
        <p className="text-sm text-slate-600" data-testid="gate-not-configured">
          {data.detail}. Production promotions of this model are not checked on a golden set.
        </p>
      </Card>
    );
  const evaluation = data.evaluation;
  if (!evaluation || !data.current)
    return (
      <Card title="Golden-set gate" className={className} actions={runButton}>
        <p className="text-sm text-slate-600" data-testid="gate-not-run">
          Not yet run against the current champion, latest golden set and rule.
          {evaluation && " An earlier evaluation exists for another champion, golden set or rule."}
        </p>
        {run.isError && <p className="mt-2 text-sm text-rose-700">{run.error.message}</p>}
      </Card>
    );
  return (
    <Card
      title="Golden-set gate"
      className={className}
      actions={
        <div className="flex items-center gap-2">
          <GateStatusBadge status={evaluation.status} />
          {evaluation.status === "ERROR" && runButton}
        </div>
      }
    >
      <div className="space-y-3 text-sm" data-testid="gate-result">
        <p className="text-slate-600">
          v{evaluation.candidateVersion} vs{" "}
          {evaluation.championVersion === null
            ? "no champion (bounds only)"
            : `champion v${evaluation.championVersion}`}{" "}
          on golden set “{evaluation.goldenSet.name}” v{evaluation.goldenSet.version} ({evaluation.goldenSet.rowCount}{" "}
          rows, sha256 <code className="text-xs">{evaluation.goldenSetHash.slice(0, 12)}</code>); paired percentile
          bootstrap, {evaluation.rule.resamples} resamples.
        </p>
        {evaluation.error && <p className="text-rose-700">The gate could not run: {evaluation.error}</p>}
        {evaluation.warnings.map((warning) => (
          <p key={warning} role="note" className="rounded bg-amber-50 px-2 py-1 text-amber-800">
            {warning}
          </p>
        ))}
        {evaluation.metrics.length > 0 && (
          <GateMetricsTable metrics={evaluation.metrics} confidenceLevel={evaluation.rule.confidenceLevel} />
        )}
      </div>
    </Card>
  );
}
