"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Controller, useForm } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { useTRPC } from "@/trpc/react";
import { TASK_TYPES } from "@/contracts/enums";
import { createModelInput } from "@/contracts/registry";
import { modelHref, TASK_TYPE_LABELS } from "@/components/registry/format";
import { parseTagsText } from "@/components/registry/parse-tags";

/** Every field is text while edited; the server's schema judges what the text becomes. */
const formSchema = z
  .object({
    name: z.string(),
    team: z.string().optional(),
    taskType: z.string(),
    tags: z.string(),
    description: z.string(),
  })
  .transform((values): Partial<z.input<typeof createModelInput>> => ({
    name: values.name.trim(),
    team: values.team || undefined,
    taskType: TASK_TYPES.find((t) => t === values.taskType),
    tags: parseTagsText(values.tags),
    description: values.description,
  }))
  .pipe(createModelInput);

const messages = {
  error: (issue: { path?: PropertyKey[] }) => (issue.path?.[0] === "taskType" ? "Choose the kind of task" : undefined),
};

/** Registers a model and opens its page; rendered inside NewModelDialog. */
export function NewModelForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const me = useQuery(trpc.session.me.queryOptions());
  const teams = useQuery(trpc.registry.teams.queryOptions());
  const form = useForm({
    resolver: zodResolver(formSchema, messages),
    defaultValues: { name: "", team: undefined, taskType: "", tags: "", description: "" },
  });
  const { errors } = form.formState;

  const create = useMutation(
    trpc.registry.createModel.mutationOptions({
      onSuccess: (model) => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        onDone();
        router.push(modelHref(model.name));
      },
      onError: (error) =>
        applyServerError(form.setError, error, {
          fields: ["name", "team", "taskType", "tags", "description"],
          fieldFor: { CONFLICT: "name", NOT_FOUND: "team" },
        }),
    }),
  );
  // Only admins create models for a team they are not in (the server refuses the rest).
  const mayOwn = (team: { name: string }) => me.data?.role === "ADMIN" || team.name === me.data?.team;
  // Until someone picks a team, the form offers (and sends) the user's own.
  const ownTeam = () => (form.getValues("team") === undefined ? (me.data?.team ?? undefined) : undefined);
  const submit = form.handleSubmit((values) => create.mutate({ ...values, team: values.team ?? ownTeam() }));

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="new-model-form">
      <FormField
        id="model-name"
        label="Name"
        hint="Letters, digits, '.', '_' and '-'; used in URLs and the API."
        error={fieldMessage(errors.name)}
      >
        {(control) => (
          <Input
            {...control}
            {...form.register("name")}
            placeholder="fraud-detector"
            autoComplete="off"
            autoFocus
            required
          />
        )}
      </FormField>
      <div className="grid grid-cols-2 gap-3">
        <FormField id="model-team" label="Team" error={fieldMessage(errors.team)}>
          {(control) => (
            <Controller
              control={form.control}
              name="team"
              render={({ field }) => (
                <Select {...control} {...field} value={field.value ?? me.data?.team ?? ""} className="w-full">
                  <option value="">Choose a team…</option>
                  {teams.data?.filter(mayOwn).map((t) => (
                    <option key={t.id} value={t.name}>
                      {t.name}
                    </option>
                  ))}
                </Select>
              )}
            />
          )}
        </FormField>
        <FormField id="model-task" label="Task type" error={fieldMessage(errors.taskType)}>
          {(control) => (
            <Select {...control} {...form.register("taskType")} className="w-full" required>
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
        error={fieldMessage(errors.tags)}
      >
        {(control) => <Input {...control} {...form.register("tags")} placeholder="fraud, tabular" autoComplete="off" />}
      </FormField>
      <FormField
        id="model-description"
        label="Description (optional)"
        hint="Markdown."
        error={fieldMessage(errors.description)}
      >
        {(control) => (
          <Textarea {...control} {...form.register("description")} onKeyDown={submitOnCtrlEnter} rows={4} />
        )}
      </FormField>
      <FormFooter
        error={errors.root?.server?.message}
        onCancel={onDone}
        pending={create.isPending}
        submitLabel="Create model"
        pendingLabel="Creating…"
      />
    </form>
  );
}
