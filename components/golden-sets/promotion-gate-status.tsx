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
    refetchInterval: (query) => {
      const data = query.state.data;
      const status = data?.configured && data.current ? data.evaluation?.status : undefined;
      return status === "QUEUED" || status === "RUNNING" ? 2000 : false;
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
