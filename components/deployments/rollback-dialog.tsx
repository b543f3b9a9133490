"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { FormField } from "@/components/ui/form-field";
import { FormFooter } from "@/components/ui/form-footer";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { deploymentHref } from "@/components/deployments/labels";

/** One click (and a reason) back to the version that served the endpoint before; opens the rollback's deployment. */
export function RollbackDialog({ endpointId, endpointName }: { endpointId: string; endpointName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const rollback = useMutation(
    trpc.deployments.rollback.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        setOpen(false);
        router.push(deploymentHref(result.deploymentId));
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    rollback.mutate({ endpointId, reason });
  }

  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) rollback.reset();
      }}
      size="md"
      title={`Roll back ${endpointName}?`}
      description="The version that served before the latest release goes back at once, without a new approval."
      trigger={
        <Button variant="danger" data-testid="rollback-endpoint">
          Roll back
        </Button>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <FormField
          id={`rollback-reason-${endpointId}`}
          label="Reason"
          error={rollback.error?.data?.zodIssues?.[0]?.message}
        >
          {(control) => (
            <Textarea
              {...control}
              rows={3}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          )}
        </FormField>
        <FormFooter
          error={rollback.error && !rollback.error.data?.zodIssues?.length ? rollback.error.message : null}
          onCancel={() => setOpen(false)}
          pending={rollback.isPending}
          submitLabel="Roll back"
          pendingLabel="Rolling back…"
          variant="danger"
          errorTestId="rollback-error"
          submitTestId="rollback-confirm"
        />
      </form>
    </DialogFrame>
  );
}
