"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { DialogClose } from "@/components/ui/dialog-close";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/lib/trpc";

/** Creates an experiment and opens it; rendered inside NewExperimentDialog. */
export function NewExperimentForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const create = useMutation(
    trpc.experiments.createExperiment.mutationOptions({
      onSuccess: async (experiment) => {
        await queryClient.invalidateQueries({ queryKey: trpc.experiments.list.pathKey() });
        onDone();
        router.push(`/experiments/${experiment.id}`);
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setNameError("Give the experiment a name.");
      return;
    }
    setNameError(null);
    create.mutate({ name: trimmed, description: description.trim() || undefined });
  }

  const serverIssues = create.error?.data?.zodIssues ?? [];
  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <FormField id="experiment-name" label="Name" error={nameError ?? undefined}>
        {(control) => (
          <Input
            {...control}
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="churn-xgboost"
            autoComplete="off"
            autoFocus
            required
          />
        )}
      </FormField>
      <FormField
        id="experiment-description"
        label={
          <>
            Description <span className="font-normal text-slate-500">(optional)</span>
          </>
        }
      >
        {(control) => (
          <Textarea
            {...control}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            rows={3}
            placeholder="What this experiment tries to find out"
          />
        )}
      </FormField>
      {create.error && (
        <div role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {serverIssues.length > 0 ? (
            <ul className="list-inside list-disc">
              {serverIssues.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>
                  {issue.path ? `${issue.path}: ` : ""}
                  {issue.message}
                </li>
              ))}
            </ul>
          ) : (
            create.error.message
          )}
        </div>
      )}
      <div className="flex justify-end gap-2">
        <DialogClose>
          <Button variant="secondary">Cancel</Button>
        </DialogClose>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create experiment"}
        </Button>
      </div>
    </form>
  );
}
