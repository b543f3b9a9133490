"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { applyServerError } from "@/components/forms/server-error";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { decideRolloutInput } from "@/contracts/deployments";

const formSchema = decideRolloutInput.pick({ reason: true });

/** Shown while a bake waits because too few requests reached the candidate: continue without a verdict, or roll back. */
export function RolloutDecisionPanel({ deploymentId, question }: { deploymentId: string; question: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({ resolver: zodResolver(formSchema), defaultValues: { reason: "" } });
  const { errors } = form.formState;
  const decide = useMutation(
    trpc.deployments.decideRollout.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() }),
      onError: (error) => applyServerError(form.setError, error, { fields: ["reason"] }),
    }),
  );
  const submit = (proceed: boolean) =>
    form.handleSubmit((values) => decide.mutate({ deploymentId, proceed, ...values }));

  return (
    <section
      aria-labelledby={`decision-${deploymentId}`}
      className="mb-6 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm"
      data-testid="rollout-decision"
    >
      <h2 id={`decision-${deploymentId}`} className="font-semibold text-amber-900">
        This rollout is waiting for your decision
      </h2>
      <p className="mt-1 text-amber-900" data-testid="rollout-question">
        {question}. Nothing has been judged; the endpoint keeps its current traffic split until you decide.
      </p>
      <form className="mt-3 space-y-3" noValidate onSubmit={(event) => event.preventDefault()}>
        <FormField id={`decision-reason-${deploymentId}`} label="Reason" error={fieldMessage(errors.reason)}>
          {(control) => <Textarea {...control} {...form.register("reason")} rows={2} maxLength={500} />}
        </FormField>
        {errors.root?.server && (
          <p role="alert" className="text-rose-700">
            {errors.root.server.message}
          </p>
        )}
        <div className="flex gap-2">
          <Button onClick={submit(true)} disabled={decide.isPending} data-testid="rollout-continue">
            Continue without a verdict
          </Button>
          <Button variant="danger" onClick={submit(false)} disabled={decide.isPending} data-testid="rollout-roll-back">
            Roll back
          </Button>
        </div>
      </form>
    </section>
  );
}
