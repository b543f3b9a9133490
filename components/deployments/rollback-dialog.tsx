"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
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
import { rollbackEndpointInput } from "@/contracts/deployments";
import { deploymentHref } from "@/components/deployments/labels";

const formSchema = rollbackEndpointInput.pick({ reason: true });

/** One click (and a reason) back to the version that served the endpoint before; opens the rollback's deployment. */
export function RollbackDialog({ endpointId, endpointName }: { endpointId: string; endpointName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const form = useForm({ resolver: zodResolver(formSchema), defaultValues: { reason: "" } });
  const { errors } = form.formState;
  const rollback = useMutation(
    trpc.deployments.rollback.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        setOpen(false);
        router.push(deploymentHref(result.deploymentId));
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["reason"] }),
    }),
  );
  const submit = form.handleSubmit((values) => rollback.mutate({ endpointId, ...values }));

  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) {
          rollback.reset();
          form.clearErrors();
        }
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
        <FormField id={`rollback-reason-${endpointId}`} label="Reason" error={fieldMessage(errors.reason)}>
          {(control) => <Textarea {...control} {...form.register("reason")} rows={3} maxLength={500} />}
        </FormField>
        <FormFooter
          error={errors.root?.server?.message}
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
