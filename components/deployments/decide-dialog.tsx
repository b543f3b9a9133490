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
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { decidePromotionInput } from "@/contracts/deployments";
import { deploymentHref } from "@/components/deployments/labels";

const formSchema = decidePromotionInput.pick({ comment: true });

type Props = { promotionId: string; approve: boolean; subject: string };

/** Confirms an approval or rejection with an optional comment; an approval opens the deployment it starts. */
export function DecideDialog({ promotionId, approve, subject }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const form = useForm({ resolver: zodResolver(formSchema), defaultValues: { comment: "" } });
  const { errors } = form.formState;
  const decide = useMutation(
    trpc.deployments.decide.mutationOptions({
      onSuccess: (result) => {
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() });
        setOpen(false);
        if (result.deploymentId) router.push(deploymentHref(result.deploymentId));
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["comment"] }),
    }),
  );
  const submit = form.handleSubmit((values) => decide.mutate({ promotionId, approve, ...values }));

  const verb = approve ? "Approve" : "Reject";
  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) {
          decide.reset();
          form.clearErrors();
        }
      }}
      size="md"
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
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <FormField id={`decide-comment-${promotionId}`} label="Comment (optional)" error={fieldMessage(errors.comment)}>
          {(control) => (
            <Textarea
              {...control}
              {...form.register("comment")}
              rows={3}
              maxLength={1000}
              onKeyDown={submitOnCtrlEnter}
            />
          )}
        </FormField>
        <FormFooter
          error={errors.root?.server?.message}
          onCancel={() => setOpen(false)}
          pending={decide.isPending}
          submitLabel={verb}
          pendingLabel={approve ? "Approving…" : "Rejecting…"}
          variant={approve ? "primary" : "danger"}
          errorTestId="decide-error"
          submitTestId="decide-confirm"
        />
      </form>
    </DialogFrame>
  );
}
