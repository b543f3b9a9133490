"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { ReasonDialog } from "@/components/forms/reason-dialog";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/trpc/react";

const reasonSchema = z.string().trim().min(1, "Say why the failed gate may be overridden").max(1000);

/** Approves a promotion whose golden-set gate failed: only another approver, and only with a reason (audited). */
export function OverrideGateDialog({ promotionId, subject }: { promotionId: string; subject: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const decide = useMutation(
    trpc.deployments.decide.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() }),
    }),
  );
  return (
    <ReasonDialog
      field={{
        id: `override-reason-${promotionId}`,
        label: "Reason",
        schema: reasonSchema,
        serverName: "comment",
        maxLength: 1000,
      }}
      title={`Override the failed golden-set gate of ${subject}?`}
      description="The golden-set gate failed. Your approval and reason are recorded in the audit log."
      trigger={
        <Button variant="danger" size="sm" data-testid="override-gate">
          Override gate…
        </Button>
      }
      submit={{
        submitLabel: "Override and approve",
        pendingLabel: "Approving…",
        variant: "danger",
        submitTestId: "override-confirm",
      }}
      pending={decide.isPending}
      onSubmit={(comment, callbacks) =>
        decide.mutate({ promotionId, approve: true, overrideGate: true, comment }, callbacks)
      }
    />
  );
}
