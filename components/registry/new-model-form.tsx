"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTRPC } from "@/trpc/react";
import { createModelInput } from "@/contracts/registry";
import { TASK_TYPES } from "@/contracts/enums";
import type { TaskType } from "@/contracts/enums";
import { validateForm } from "@/components/registry/field-errors";
import { FormField } from "@/components/ui/form-field";
import { FormFooter } from "@/components/ui/form-footer";
import { Textarea } from "@/components/ui/textarea";
import { modelHref, TASK_TYPE_LABELS } from "@/components/registry/format";
import { parseTagsText } from "@/components/registry/parse-tags";
import { serverFieldErrors } from "@/components/registry/server-error";
import { submitOnCtrlEnter } from "@/components/registry/submit-on-ctrl-enter";
import { useClientErrors } from "@/components/registry/use-client-errors";

/** Registers a model and opens its page; rendered inside NewModelDialog. */
export function NewModelForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const me = useQuery(trpc.session.me.queryOptions());
  const teams = useQuery(trpc.registry.teams.queryOptions());
  const [name, setName] = useState("");
  const [team, setTeam] = useState<string | null>(null);
  const [taskType, setTaskType] = useState<TaskType | "">("");
  const [tags, setTags] = useState("");
  const [description, setDescription] = useState("");
  const { errors: clientErrors, setErrors: setClientErrors, clear } = useClientErrors();

  const create = useMutation(
    trpc.registry.createModel.mutationOptions({
      onSuccess: (model) => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        onDone();
        router.push(modelHref(model.name));
      },
    }),
  );
  const server = serverFieldErrors(create.error, { CONFLICT: "name", NOT_FOUND: "team" });
  const errors = { ...server.fields, ...clientErrors };
  const chosenTeam = team ?? me.data?.team ?? "";

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = validateForm(createModelInput, {
      name: name.trim(),
      team: chosenTeam || undefined,
      taskType: taskType || undefined,
      tags: parseTagsText(tags),
      description,
    });
    if (!result.ok) {
      setClientErrors({ ...result.errors, ...(taskType ? {} : { taskType: "Choose the kind of task" }) });
      return;
    }
    setClientErrors({});
    create.mutate(result.data);
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="new-model-form">
      <FormField
        id="model-name"
        label="Name"
        hint="Letters, digits, '.', '_' and '-'; used in URLs and the API."
        error={errors.name}
      >
        {(control) => (
          <Input
            {...control}
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              clear("name");
            }}
            placeholder="fraud-detector"
            autoComplete="off"
            autoFocus
            required
          />
        )}
      </FormField>
      <div className="grid grid-cols-2 gap-3">
        <FormField id="model-team" label="Team" error={errors.team}>
          {(control) => (
            <Select
              {...control}
              value={chosenTeam}
              onChange={(e) => {
                setTeam(e.target.value);
                clear("team");
              }}
              className="w-full"
            >
              <option value="">Choose a team…</option>
              {teams.data?.map((t) => (
                <option key={t.id} value={t.name}>
                  {t.name}
                </option>
              ))}
            </Select>
          )}
        </FormField>
        <FormField id="model-task" label="Task type" error={errors.taskType}>
          {(control) => (
            <Select
              {...control}
              value={taskType}
              onChange={(e) => {
                setTaskType(TASK_TYPES.find((t) => t === e.target.value) ?? "");
                clear("taskType");
              }}
              className="w-full"
              required
            >
              <option value="">Choose…</option>
              {TASK_TYPES.map((t) => (
                <option key={t} value={t}>
                  {TASK_TYPE_LABELS[t]}
                </option>
              ))}
            </Select>
          )}
        </FormField>
      </div>
      <FormField
        id="model-tags"
        label="Tags (optional)"
        hint="Separate with commas or spaces; at most 20."
        error={errors.tags}
      >
        {(control) => (
          <Input
            {...control}
            value={tags}
            onChange={(e) => {
              setTags(e.target.value);
              clear("tags");
            }}
            placeholder="fraud, tabular"
            autoComplete="off"
          />
        )}
      </FormField>
      <FormField id="model-description" label="Description (optional)" hint="Markdown." error={errors.description}>
        {(control) => (
          <Textarea
            {...control}
            value={description}
            onChange={(e) => {
              setDescription(e.target.value);
              clear("description");
            }}
            onKeyDown={submitOnCtrlEnter}
            rows={4}
          />
        )}
      </FormField>
      <FormFooter
        error={server.form}
        onCancel={onDone}
        pending={create.isPending}
        submitLabel="Create model"
        pendingLabel="Creating…"
      />
    </form>
  );
}
