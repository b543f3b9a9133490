"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { submitOnCtrlEnter } from "@/components/forms/submit-on-ctrl-enter";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { formatDateTime } from "@/lib/format";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { aliasNameSchema, setAliasInput } from "@/contracts/registry";
import { FORMAT_LABELS } from "@/components/registry/format";

type VersionOption = Pick<RouterOutputs["registry"]["get"]["versions"][number], "version" | "createdAt" | "format">;

const formSchema = setAliasInput.extend({ alias: z.string().trim().pipe(aliasNameSchema) });

type Props = {
  modelName: string;
  /** The newest versions, suggested as you type; any other version number may be typed. */
  versions: VersionOption[];
  versionCount: number;
  /** Where each alias points now, to mark the current version and pick a sensible default. */
  current: ReadonlyMap<string, number>;
  /** Set when moving an existing alias; the alias name is then fixed. */
  fixedAlias?: string;
  onDone: () => void;
};

export function SetAliasForm({ modelName, versions, versionCount, current, fixedAlias, onDone }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pointsAt = fixedAlias ? current.get(fixedAlias) : undefined;
  const form = useForm({
    resolver: zodResolver(formSchema),
    defaultValues: {
      alias: fixedAlias ?? "",
      version: String(versions.find((v) => v.version !== pointsAt)?.version ?? ""),
      reason: "",
    },
  });
  const { errors } = form.formState;

  const mutation = useMutation(
    trpc.registry.setAlias.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        onDone();
      },
      onError: (error) =>
        applyServerError(form.setError, error, {
          fields: ["alias", "version", "reason"],
          fieldFor: { CONFLICT: "version", NOT_FOUND: "version", BAD_REQUEST: "alias" },
        }),
    }),
  );

  const submit = form.handleSubmit((values) => {
    if (current.get(values.alias) === values.version) {
      form.setError("version", { message: `${values.alias} already points at v${values.version}` });
      return;
    }
    mutation.mutate({ name: modelName, ...values });
  });

  return (
    <form onSubmit={submit} className="space-y-4" noValidate data-testid="set-alias-form">
      {fixedAlias ? (
        <p className="text-sm text-slate-700">
          Alias <span className="font-mono font-semibold">{fixedAlias}</span>
          {pointsAt !== undefined && (
            <>
              {" "}
              points at <span className="font-mono">v{pointsAt}</span> now.
            </>
          )}
        </p>
      ) : (
        <FormField
          id="alias-name"
          label="Alias"
          hint="Lower-case letters, digits, '_' and '-', e.g. production, staging, champion."
          error={fieldMessage(errors.alias)}
        >
          {(control) => (
            <Input {...control} {...form.register("alias")} placeholder="production" autoComplete="off" autoFocus />
          )}
        </FormField>
      )}
      <FormField
        id="alias-version"
        label="Version"
        hint={
          versionCount > versions.length
            ? `Any of the ${versionCount.toLocaleString()} version numbers; the newest ${versions.length} are suggested.`
            : "Type or pick a version number."
        }
        error={fieldMessage(errors.version)}
      >
        {(control) => (
          <>
            <Input
              {...control}
              {...form.register("version")}
              list="alias-version-options"
              inputMode="numeric"
              autoComplete="off"
              placeholder="e.g. 3"
              className="w-full"
              autoFocus={Boolean(fixedAlias)}
            />
            <datalist id="alias-version-options">
              {versions.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version} · {FORMAT_LABELS[v.format]} · {formatDateTime(v.createdAt)}
                  {v.version === pointsAt ? " (current)" : ""}
                </option>
              ))}
            </datalist>
          </>
        )}
      </FormField>
      <FormField
        id="alias-reason"
        label="Reason"
        hint="Kept in the alias history for everyone to read (required, up to 500 characters). Ctrl+Enter saves."
        error={fieldMessage(errors.reason)}
      >
        {(control) => (
          <Textarea
            {...control}
            {...form.register("reason")}
            onKeyDown={submitOnCtrlEnter}
            rows={3}
            maxLength={500}
            required
            placeholder="Passed the golden set; +2.1% recall at the same precision"
          />
        )}
      </FormField>
      <FormFooter
        error={errors.root?.server?.message}
        onCancel={onDone}
        pending={mutation.isPending}
        submitLabel={fixedAlias ? "Move alias" : "Set alias"}
        pendingLabel="Saving…"
      />
    </form>
  );
}
