"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState, type ComponentProps, type ReactNode } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError, type ServerErrorLike } from "@/components/forms/server-error";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { Textarea } from "@/components/ui/textarea";

type Props = {
  /** The text field: its label, the server's schema for it, and its name in the server's input (for its errors). */
  field: {
    id: string;
    label: string;
    schema: z.ZodType<string, string | undefined>;
    serverName: string;
    maxLength: number;
  };
  title: string;
  description: string;
  trigger: ReactNode;
  submit: Pick<
    ComponentProps<typeof FormFooter>,
    "submitLabel" | "pendingLabel" | "variant" | "errorTestId" | "submitTestId"
  >;
  /** Whether the mutation the text is sent with is running. */
  pending: boolean;
  /** Sends the text (React Query's `mutate` with per-call callbacks): closes on success, shows the server's refusal. */
  onSubmit: (text: string, callbacks: { onSuccess: () => void; onError: (error: ServerErrorLike) => void }) => void;
};

/** A confirmation that asks for one piece of text (why), as rollbacks, cancellations and decisions do. */
export function ReasonDialog({ field, title, description, trigger, submit, pending, onSubmit }: Props) {
  const [open, setOpen] = useState(false);
  const form = useForm({ resolver: zodResolver(z.object({ text: field.schema })), defaultValues: { text: "" } });
  const { errors } = form.formState;
  const send = form.handleSubmit(({ text }) =>
    onSubmit(text, {
      onSuccess: () => setOpen(false),
      onError: (error) =>
        applyServerError(form.setError, error, { fields: ["text"], aliases: { [field.serverName]: "text" } }),
    }),
  );

  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) form.reset();
      }}
      size="md"
      title={title}
      description={description}
      trigger={trigger}
    >
      <form onSubmit={send} className="space-y-4" noValidate>
        <FormField id={field.id} label={field.label} error={fieldMessage(errors.text)}>
          {(control) => (
            <Textarea
              {...control}
              {...form.register("text")}
              rows={3}
              maxLength={field.maxLength}
              onKeyDown={submitOnCtrlEnter}
            />
          )}
        </FormField>
        <FormFooter
          {...submit}
          error={errors.root?.server?.message}
          onCancel={() => setOpen(false)}
          pending={pending}
        />
      </form>
    </DialogFrame>
  );
}
