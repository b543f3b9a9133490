"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { Input } from "@/components/ui/input";
import { useTRPC } from "@/trpc/react";
import { setBudgetInput } from "@/contracts/budgets";

/** The amount is typed as text; empty removes the budget. */
const formSchema = z.object({
  monthlyUsd: z
    .string()
    .trim()
    .refine(
      (text) => text === "" || Number(text) > 0,
      "Enter an amount in dollars above 0, or leave it empty to remove the budget",
    )
    .transform((text) => (text === "" ? null : Number(text)))
    .pipe(setBudgetInput.shape.monthlyUsd),
});

type Props = { teamId: string; teamName: string; monthlyUsd: number | null };

/** Sets or removes a team's monthly budget (managers and admins). */
export function BudgetDialog({ teamId, teamName, monthlyUsd }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: { monthlyUsd: monthlyUsd === null ? "" : monthlyUsd.toFixed(2) },
  });
  const { errors } = form.formState;
  const save = useMutation(
    trpc.cost.setBudget.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.cost.budgets.queryKey() });
        setOpen(false);
      },
      onError: (error) => applyServerError(form.setError, error, { fields: ["monthlyUsd"] }),
    }),
  );
  const submit = form.handleSubmit((values) => save.mutate({ teamId, ...values }));

  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          save.reset();
          form.clearErrors();
        }
      }}
      trigger={
        <Button variant="secondary" size="sm">
          {monthlyUsd === null ? "Set budget" : "Edit budget"}
        </Button>
      }
      title={`Monthly budget for ${teamName}`}
      description="An in-app alert is raised when the month-end forecast exceeds it. Leave it empty to remove the budget."
      size="sm"
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <FormField
          id={`budget-${teamId}`}
          label="Budget (USD per calendar month)"
          error={fieldMessage(errors.monthlyUsd)}
        >
          {(control) => (
            <Input {...control} {...form.register("monthlyUsd")} inputMode="decimal" autoFocus placeholder="e.g. 500" />
          )}
        </FormField>
        <FormFooter
          error={errors.root?.server?.message}
          onCancel={() => setOpen(false)}
          pending={save.isPending}
          submitLabel="Save budget"
          pendingLabel="Saving…"
        />
      </form>
    </DialogFrame>
  );
}
