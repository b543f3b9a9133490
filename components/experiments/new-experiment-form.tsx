"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
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
      <div>
        <label htmlFor="experiment-name" className="mb-1 block text-sm font-medium text-slate-700">
          Name
        </label>
        <Input
          id="experiment-name"
          value={name}
          onChange={(event) => setName(event.target.value)}
          placeholder="churn-xgboost"
          autoComplete="off"
          autoFocus
          required
          aria-invalid={nameError !== null}
          aria-describedby={nameError ? "experiment-name-error" : undefined}
        />
        {nameError && (
          <p id="experiment-name-error" className="mt-1 text-sm text-rose-700">
            {nameError}
          </p>
        )}
      </div>
      <div>
        <label htmlFor="experiment-description" className="mb-1 block text-sm font-medium text-slate-700">
          Description <span className="font-normal text-slate-400">(optional)</span>
        </label>
        <textarea
          id="experiment-description"
          value={description}
          onChange={(event) => setDescription(event.target.value)}
          rows={3}
          className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-1 focus:ring-indigo-500"
          placeholder="What this experiment tries to find out"
        />
      </div>
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
        <Dialog.Close asChild>
          <Button variant="secondary">Cancel</Button>
        </Dialog.Close>
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create experiment"}
        </Button>
      </div>
    </form>
  );
}
