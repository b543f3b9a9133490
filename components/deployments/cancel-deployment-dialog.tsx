"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { cancelDeploymentInput } from "@/contracts/deployments";

const formSchema = cancelDeploymentInput.pick({ reason: true });

/** An admin ends a stuck deployment; the endpoint keeps serving what it serves now. */
export function CancelDeploymentDialog({ deploymentId }: { deploymentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const form = useForm({ resolver: zodResolver(formSchema), defaultValues: { reason: "" } });
  const { errors } = form.formState;
  const cancel = useMutation(
    trpc.deployments.cancel.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        setOpen(false);
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["reason"] }),
    }),
  );
  const submit = form.handleSubmit((values) => cancel.mutate({ deploymentId, ...values }));

  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) {
          cancel.reset();
          form.clearErrors();
        }
      }}
      size="md"
      title="Cancel this deployment?"
      description="It ends as failed and its worker stops at the next step. The endpoint is left exactly as it is now; roll it back afterwards if it should serve an earlier version."
      trigger={
        <Button variant="secondary" data-testid="cancel-deployment">
          Cancel deployment
        </Button>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <FormField id={`cancel-reason-${deploymentId}`} label="Reason" error={fieldMessage(errors.reason)}>
          {(control) => <Textarea {...control} {...form.register("reason")} rows={3} maxLength={500} />}
        </FormField>
        <FormFooter
          error={errors.root?.server?.message}
          onCancel={() => setOpen(false)}
          pending={cancel.isPending}
          submitLabel="Cancel deployment"
          pendingLabel="Cancelling…"
          variant="danger"
          errorTestId="cancel-deployment-error"
          submitTestId="cancel-deployment-confirm"
        />
      </form>
    </DialogFrame>
  );
}
