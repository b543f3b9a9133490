"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { ReasonDialog } from "@/components/forms/reason-dialog";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/trpc/react";
import { rollbackEndpointInput } from "@/contracts/deployments";
import { deploymentHref } from "@/components/deployments/labels";

/** One click (and a reason) back to the version that served the endpoint before; opens the rollback's deployment. */
export function RollbackDialog({ endpointId, endpointName }: { endpointId: string; endpointName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const rollback = useMutation(
    trpc.deployments.rollback.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        router.push(deploymentHref(result.deploymentId));
      },
    }),
  );
  return (
    <ReasonDialog
      field={{
        id: `rollback-reason-${endpointId}`,
        label: "Reason",
        schema: rollbackEndpointInput.shape.reason,
        serverName: "reason",
        maxLength: 500,
      }}
      title={`Roll back ${endpointName}?`}
      description="The version that served before the latest release goes back at once, without a new approval."
      trigger={
        <Button variant="danger" data-testid="rollback-endpoint">
          Roll back
        </Button>
      }
      submit={{
        submitLabel: "Roll back",
        pendingLabel: "Rolling back…",
        variant: "danger",
        errorTestId: "rollback-error",
        submitTestId: "rollback-confirm",
      }}
      pending={rollback.isPending}
      onSubmit={(reason, callbacks) => rollback.mutate({ endpointId, reason }, callbacks)}
    />
  );
}
