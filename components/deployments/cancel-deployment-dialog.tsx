"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ReasonDialog } from "@/components/forms/reason-dialog";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/trpc/react";
import { cancelDeploymentInput } from "@/contracts/deployments";

/** An admin ends a stuck deployment; the endpoint keeps serving what it serves now. */
export function CancelDeploymentDialog({ deploymentId }: { deploymentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.deployments.cancel.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() }),
    }),
  );
  return (
    <ReasonDialog
      field={{
        id: `cancel-reason-${deploymentId}`,
        label: "Reason",
        schema: cancelDeploymentInput.shape.reason,
        serverName: "reason",
        maxLength: 500,
      }}
      title="Cancel this deployment?"
      description="It ends as failed and its worker stops at the next step. The endpoint is left exactly as it is now; roll it back afterwards if it should serve an earlier version."
      trigger={
        <Button variant="secondary" data-testid="cancel-deployment">
          Cancel deployment
        </Button>
      }
      submit={{
        submitLabel: "Cancel deployment",
        pendingLabel: "Cancelling…",
        variant: "danger",
        errorTestId: "cancel-deployment-error",
        submitTestId: "cancel-deployment-confirm",
      }}
      pending={cancel.isPending}
      onSubmit={(reason, callbacks) => cancel.mutate({ deploymentId, reason }, callbacks)}
    />
  );
}
