"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ReasonDialog } from "@/components/forms/reason-dialog";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/trpc/react";
import { decidePromotionInput } from "@/contracts/deployments";
import { deploymentHref } from "@/components/deployments/labels";

type Props = { promotionId: string; approve: boolean; subject: string };

/** Confirms an approval or rejection with an optional comment; an approval opens the deployment it starts. */
export function DecideDialog({ promotionId, approve, subject }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const decide = useMutation(
    trpc.deployments.decide.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        if (result.deploymentId) router.push(deploymentHref(result.deploymentId));
      },
      // An approval may start the golden-set gate again (another champion, golden set or rule): show its new state.
      onSettled: () => void queryClient.invalidateQueries({ queryKey: trpc.goldenSets.pathKey() }),
    }),
  );
  const verb = approve ? "Approve" : "Reject";
  return (
    <ReasonDialog
      field={{
        id: `decide-comment-${promotionId}`,
        label: "Comment (optional)",
        schema: decidePromotionInput.shape.comment,
        serverName: "comment",
        maxLength: 1000,
      }}
      title={`${verb} ${subject}?`}
      description={approve ? "Approving queues the deployment at once." : "The requester will need to ask again."}
      trigger={
        <Button
          variant={approve ? "primary" : "secondary"}
          size="sm"
          data-testid={approve ? "approve-promotion" : "reject-promotion"}
        >
          {verb}
        </Button>
      }
      submit={{
        submitLabel: verb,
        pendingLabel: approve ? "Approving…" : "Rejecting…",
        variant: approve ? "primary" : "danger",
        errorTestId: "decide-error",
        submitTestId: "decide-confirm",
      }}
      pending={decide.isPending}
      onSubmit={(comment, callbacks) => decide.mutate({ promotionId, approve, comment }, callbacks)}
    />
  );
}
