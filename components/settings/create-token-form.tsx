"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { ROLE_LABELS } from "@/contracts/permissions";
import {
  MAX_TOKEN_DAYS,
  MAX_TOKEN_NAME,
  SCOPE_DESCRIPTIONS,
  SCOPE_PERMISSION,
  TOKEN_SCOPES,
  type TokenScope,
} from "@/contracts/token-scopes";

type Created = RouterOutputs["admin"]["tokens"]["create"];

type FieldErrors = Partial<Record<"name" | "scopes" | "expiresInDays", string>>;

const DEFAULT_DAYS = "90";

function validate(name: string, scopes: TokenScope[], days: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!name.trim()) errors.name = "Give the token a name, e.g. the pipeline that will use it.";
  else if (name.trim().length > MAX_TOKEN_NAME) errors.name = `At most ${MAX_TOKEN_NAME} characters.`;
  if (scopes.length === 0) errors.scopes = "Pick at least one scope.";
  const n = Number(days);
  if (!/^\d+$/.test(days) || n < 1 || n > MAX_TOKEN_DAYS)
    errors.expiresInDays = `A whole number of days from 1 to ${MAX_TOKEN_DAYS}.`;
  return errors;
}

export function CreateTokenForm({ onCreated }: { onCreated: (created: Created) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.session.me.queryOptions());
  const ids = { name: useId(), days: useId(), scopes: useId() };
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TokenScope[]>(["read"]);
  const [days, setDays] = useState(DEFAULT_DAYS);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.admin.tokens.create.mutationOptions({
      onSuccess: (created) => {
        onCreated(created);
        setName("");
        setScopes(["read"]);
        setDays(DEFAULT_DAYS);
        return queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.pathKey() });
      },
    }),
  );

  const allowed = (scope: TokenScope) => me.data?.permissions.includes(SCOPE_PERMISSION[scope]) ?? scope === "read";
  const toggle = (scope: TokenScope, on: boolean) =>
    setScopes((current) =>
      on ? TOKEN_SCOPES.filter((s) => s === scope || current.includes(s)) : current.filter((s) => s !== scope),
    );

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = validate(name, scopes, days);
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate({ name: name.trim(), scopes, expiresInDays: Number(days) });
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      className="space-y-4"
      aria-label="Create an API token"
      data-testid="create-token-form"
    >
      <div className="grid gap-4 sm:grid-cols-[1fr_10rem]">
        <FormField id={ids.name} label="Name" error={errors.name}>
          {(control) => (
            <Input
              {...control}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="e.g. fraud-model nightly training"
              maxLength={MAX_TOKEN_NAME + 20}
              data-testid="token-name"
            />
          )}
        </FormField>
        <FormField id={ids.days} label="Expires in (days)" error={errors.expiresInDays}>
          {(control) => (
            <Input
              {...control}
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_TOKEN_DAYS}
              value={days}
              onChange={(e) => setDays(e.target.value)}
              data-testid="token-expiry"
            />
          )}
        </FormField>
      </div>
      <fieldset aria-describedby={errors.scopes ? `${ids.scopes}-error` : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-700">Scopes</legend>
        <div className="space-y-2">
          {TOKEN_SCOPES.map((scope) => {
            const permitted = allowed(scope);
            return (
              <label key={scope} className={`flex items-start gap-2 text-sm ${permitted ? "" : "opacity-60"}`}>
                <input
                  type="checkbox"
                  className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600"
                  checked={scopes.includes(scope)}
                  disabled={!permitted}
                  onChange={(e) => toggle(scope, e.target.checked)}
                  data-testid={`scope-${scope}`}
                />
                <span>
                  <code className="font-semibold text-slate-800">{scope}</code>
                  <span className="block text-slate-500">{SCOPE_DESCRIPTIONS[scope]}</span>
                  {!permitted && me.data && (
                    <span className="block text-xs text-amber-800">
                      Your role ({ROLE_LABELS[me.data.role]}) cannot grant this scope.
                    </span>
                  )}
                </span>
              </label>
            );
          })}
        </div>
        {errors.scopes && (
          <p id={`${ids.scopes}-error`} className="mt-1 text-xs text-rose-700">
            {errors.scopes}
          </p>
        )}
      </fieldset>
      {create.error && (
        <p role="alert" className="rounded-md bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {create.error.message}
        </p>
      )}
      <Button type="submit" disabled={create.isPending} data-testid="create-token">
        {create.isPending ? "Creating…" : "Create token"}
      </Button>
    </form>
  );
}
