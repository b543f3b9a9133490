"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { aliasNameSchema, setAliasInput } from "@/contracts/registry";
import { validateForm } from "@/components/registry/field-errors";
import { FormField } from "@/components/ui/form-field";
import { FormFooter } from "@/components/ui/form-footer";
import { Textarea } from "@/components/ui/textarea";
import { FORMAT_LABELS } from "@/components/registry/format";
import { formatDateTime } from "@/lib/format";
import { serverFieldErrors } from "@/components/registry/server-error";
import { submitOnCtrlEnter } from "@/components/registry/submit-on-ctrl-enter";
import { useClientErrors } from "@/components/registry/use-client-errors";

type VersionOption = Pick<RouterOutputs["registry"]["get"]["versions"][number], "version" | "createdAt" | "format">;

const formSchema = setAliasInput.extend({ alias: aliasNameSchema });

type Props = {
  modelName: string;
  versions: VersionOption[];
  /** Where each alias points now, to mark the current version and pick a sensible default. */
  current: ReadonlyMap<string, number>;
  /** Set when moving an existing alias; the alias name is then fixed. */
  fixedAlias?: string;
  onDone: () => void;
};

export function SetAliasForm({ modelName, versions, current, fixedAlias, onDone }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pointsAt = fixedAlias ? current.get(fixedAlias) : undefined;
  const [alias, setAlias] = useState(fixedAlias ?? "");
  const [version, setVersion] = useState(String(versions.find((v) => v.version !== pointsAt)?.version ?? ""));
  const [reason, setReason] = useState("");
  const { errors: clientErrors, setErrors: setClientErrors, clear } = useClientErrors();

  const mutation = useMutation(
    trpc.registry.setAlias.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.registry.pathKey() });
        onDone();
      },
    }),
  );
  const server = serverFieldErrors(mutation.error, { CONFLICT: "version", NOT_FOUND: "version", BAD_REQUEST: "alias" });
  const errors = { ...server.fields, ...clientErrors };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = validateForm(formSchema, { alias: alias.trim(), version: version || undefined, reason });
    if (!result.ok) {
      setClientErrors(result.errors);
      return;
    }
    if (current.get(result.data.alias) === result.data.version) {
      setClientErrors({ version: `${result.data.alias} already points at v${result.data.version}` });
      return;
    }
    setClientErrors({});
    mutation.mutate({ name: modelName, ...result.data });
  }

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
          error={errors.alias}
        >
          {(control) => (
            <Input
              {...control}
              value={alias}
              onChange={(e) => {
                setAlias(e.target.value);
                clear("alias");
              }}
              placeholder="production"
              autoComplete="off"
              autoFocus
            />
          )}
        </FormField>
      )}
      <FormField id="alias-version" label="Version" error={errors.version}>
        {(control) => (
          <Select
            {...control}
            value={version}
            onChange={(e) => {
              setVersion(e.target.value);
              clear("version");
            }}
            className="w-full"
            autoFocus={Boolean(fixedAlias)}
          >
            <option value="">Choose a version…</option>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} · {FORMAT_LABELS[v.format]} · {formatDateTime(v.createdAt)}
                {v.version === pointsAt ? " (current)" : ""}
              </option>
            ))}
          </Select>
        )}
      </FormField>
      <FormField
        id="alias-reason"
        label="Reason"
        hint="Kept in the alias history for everyone to read (required, up to 500 characters). Ctrl+Enter saves."
        error={errors.reason}
      >
        {(control) => (
          <Textarea
            {...control}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              clear("reason");
            }}
            onKeyDown={submitOnCtrlEnter}
            rows={3}
            maxLength={500}
            required
            placeholder="Passed the golden set; +2.1% recall at the same precision"
          />
        )}
      </FormField>
      <FormFooter
        error={server.form}
        onCancel={onDone}
        pending={mutation.isPending}
        submitLabel={fixedAlias ? "Move alias" : "Set alias"}
        pendingLabel="Saving…"
      />
    </form>
  );
}
