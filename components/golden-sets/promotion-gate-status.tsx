"use client";

import { useQuery } from "@tanstack/react-query";
import { GateStatusBadge } from "@/components/golden-sets/gate-status-badge";
import { OverrideGateDialog } from "@/components/golden-sets/override-gate-dialog";
import { useTRPC } from "@/trpc/react";

type Props = { promotionId: string; modelName: string; version: number; subject: string; canApprove: boolean };

/** The live golden-set gate of a pending production promotion; a failed gate offers approvers the override. */
export function PromotionGateStatus({ promotionId, modelName, version, subject, canApprove }: Props) {
  const trpc = useTRPC();
  const gate = useQuery({
    ...trpc.goldenSets.versionGate.queryOptions({ modelName, version }),
    // Polled while the gate runs, and while this promotion's evaluation is not there yet (an approval attempt
    // starts it when the champion, golden set or rule changed since the request).
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data?.configured) return false;
      const status = data.current ? data.evaluation?.status : undefined;
      if (status === "QUEUED" || status === "RUNNING") return 2000;
      return status === undefined ? 5000 : false;
    },
  });
  if (gate.isPending) return <span className="text-xs text-slate-500">Checking the golden-set gate…</span>;
  if (gate.isError) return <span className="text-xs text-rose-700">Gate unavailable: {gate.error.message}</span>;
  if (!gate.data.configured) return <span className="text-xs text-slate-500">Golden-set gate not configured</span>;
  const evaluation = gate.data.current ? gate.data.evaluation : null;
  return (
    <span className="flex items-center gap-2 text-xs" data-testid="promotion-gate-status">
      Golden-set gate {evaluation ? <GateStatusBadge status={evaluation.status} /> : "not run yet"}
      {canApprove && evaluation?.status === "FAILED" && (
        <OverrideGateDialog promotionId={promotionId} subject={subject} />
      )}
    </span>
  );
}
