"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { FormField } from "@/components/ui/form-field";
import { FormFooter } from "@/components/ui/form-footer";
import { Input } from "@/components/ui/input";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/trpc/react";

type Props = { teamId: string; teamName: string; monthlyUsd: number | null };

/** Sets or removes a team's monthly budget (managers and admins). */
export function BudgetDialog({ teamId, teamName, monthlyUsd }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(monthlyUsd === null ? "" : monthlyUsd.toFixed(2));
  const [clientError, setClientError] = useState<string | undefined>();
  const save = useMutation(
    trpc.cost.setBudget.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.cost.budgets.queryKey() });
        setOpen(false);
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = value.trim();
    const amount = text === "" ? null : Number(text);
    if (amount !== null && !(amount > 0)) {
      setClientError("Enter an amount in dollars above 0, or leave it empty to remove the budget");
      return;
    }
    setClientError(undefined);
    save.mutate({ teamId, monthlyUsd: amount });
  }

  return (
    <DialogFrame
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) save.reset();
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
        <FormField id={`budget-${teamId}`} label="Budget (USD per calendar month)" error={clientError}>
          {(control) => (
            <Input
              {...control}
              inputMode="decimal"
              autoFocus
              value={value}
              onChange={(e) => setValue(e.target.value)}
              placeholder="e.g. 500"
            />
          )}
        </FormField>
        <FormFooter
          error={save.error?.message}
          onCancel={() => setOpen(false)}
          pending={save.isPending}
          submitLabel="Save budget"
          pendingLabel="Saving…"
        />
      </form>
    </DialogFrame>
  );
}
