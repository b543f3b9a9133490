"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import type { LabelSchema, LabelValue } from "@/contracts/labels";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError, type ServerErrorLike } from "@/components/forms/server-error";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { labelFormSchema, type LabelFormValues } from "@/components/labels/label-form-schema";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";

type Props = {
  schema: LabelSchema;
  /** A starting value (the model's answer or the labels' common value), as text. */
  initial: string;
  submitLabel: string;
  pending: boolean;
  onCancel: () => void;
  onSubmit: (
    decision: { value: LabelValue; reason?: string },
    callbacks: { onError: (error: ServerErrorLike) => void },
  ) => void;
};

/** The reviewer's own label (Fix & Accept, adjudication): the corrected class, number or rating, and why. */
export function LabelFixForm({ schema, initial, submitLabel, pending, onCancel, onSubmit }: Props) {
  const form = useForm<LabelFormValues, unknown, { value: LabelValue; reason?: string }>({
    resolver: zodResolver(labelFormSchema(schema)),
    defaultValues: { choice: initial, comment: "", reason: "" },
  });
  const { errors } = form.formState;
  const send = form.handleSubmit((decision) =>
    onSubmit(decision, {
      onError: (error) =>
        applyServerError(form.setError, error, { fields: ["choice", "reason"], aliases: { value: "choice" } }),
    }),
  );
  const options =
    schema.kind === "classes"
      ? schema.classes
      : schema.kind === "rating"
        ? Array.from({ length: schema.scale }, (_, i) => String(i + 1))
        : null;
  return (
    <form onSubmit={send} className="space-y-3" noValidate data-testid="fix-form">
      <FormField id="fix-choice" label="Correct label" error={fieldMessage(errors.choice)}>
        {(control) =>
          options ? (
            <Select {...control} {...form.register("choice")} autoFocus data-testid="fix-choice">
              <option value="">Choose…</option>
              {options.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </Select>
          ) : (
            <Input
              {...control}
              {...form.register("choice")}
              type="number"
              step="any"
              autoFocus
              data-testid="fix-choice"
            />
          )
        }
      </FormField>
      {schema.kind === "rating" && schema.comment && (
        <FormField id="fix-comment" label="Comment (optional)">
          {(control) => <Textarea {...control} {...form.register("comment")} rows={2} maxLength={2000} />}
        </FormField>
      )}
      <FormField id="fix-reason" label="Why (optional)" error={fieldMessage(errors.reason)}>
        {(control) => (
          <Textarea
            {...control}
            {...form.register("reason")}
            rows={2}
            maxLength={2000}
            onKeyDown={submitOnCtrlEnter}
            data-testid="fix-reason"
          />
        )}
      </FormField>
      <FormFooter
        error={errors.root?.server?.message}
        pending={pending}
        submitLabel={submitLabel}
        pendingLabel="Saving…"
        onCancel={onCancel}
        submitTestId="fix-submit"
        errorTestId="fix-error"
      />
    </form>
  );
}
