"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { MAX_LABEL_REASON } from "@/contracts/labels";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError, type ServerErrorLike } from "@/components/forms/server-error";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { rejectFormSchema } from "@/components/labels/label-form-schema";
import { Textarea } from "@/components/ui/textarea";

type Props = {
  pending: boolean;
  onCancel: () => void;
  onSubmit: (reason: string, callbacks: { onError: (error: ServerErrorLike) => void }) => void;
};

/** Rejecting a round's labels needs a reason; the item goes back to the queue for a new round. */
export function RejectForm({ pending, onCancel, onSubmit }: Props) {
  const form = useForm({ resolver: zodResolver(rejectFormSchema), defaultValues: { reason: "" } });
  const { errors } = form.formState;
  const send = form.handleSubmit(({ reason }) =>
    onSubmit(reason, { onError: (error) => applyServerError(form.setError, error, { fields: ["reason"] }) }),
  );
  return (
    <form onSubmit={send} className="space-y-3" noValidate data-testid="reject-form">
      <FormField
        id="reject-reason"
        label="Why are these labels wrong?"
        hint="Required. The annotators label the item again in a new round; Ctrl+Enter sends."
        error={fieldMessage(errors.reason)}
      >
        {(control) => (
          <Textarea
            {...control}
            {...form.register("reason")}
            rows={3}
            maxLength={MAX_LABEL_REASON}
            autoFocus
            onKeyDown={submitOnCtrlEnter}
            data-testid="reject-reason"
          />
        )}
      </FormField>
      <FormFooter
        error={errors.root?.server?.message}
        pending={pending}
        submitLabel="Reject labels"
        pendingLabel="Rejecting…"
        variant="danger"
        onCancel={onCancel}
        submitTestId="reject-submit"
        errorTestId="reject-error"
      />
    </form>
  );
}
