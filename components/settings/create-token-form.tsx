"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { Controller, useForm } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { FormField } from "@/components/forms/form-field";
import { FormFooter } from "@/components/forms/form-footer";
import { applyServerError } from "@/components/forms/server-error";
import { Input } from "@/components/ui/input";
import { useTRPC, type RouterOutputs } from "@/trpc/react";
import { ROLE_LABELS } from "@/contracts/permissions";
import {
  createTokenInput,
  MAX_TOKEN_DAYS,
  MAX_TOKEN_NAME,
  SCOPE_DESCRIPTIONS,
  SCOPE_PERMISSION,
  TOKEN_SCOPES,
  tokenRateLimitSchema,
  type TokenScope,
} from "@/contracts/token-scopes";

type Created = RouterOutputs["admin"]["tokens"]["create"];

/** The expiry is typed as text; only a whole number of days passes. */
const formSchema = createTokenInput.extend({
  expiresInDays: z
    .string()
    .transform((days) => (/^\d+$/.test(days) ? Number(days) : Number.NaN))
    .pipe(createTokenInput.shape.expiresInDays),
  /** Empty = the deployment's default limit. */
  rateLimitPerMinute: z
    .string()
    .transform((limit) => (limit.trim() === "" ? null : /^\d+$/.test(limit.trim()) ? Number(limit) : Number.NaN))
    .pipe(tokenRateLimitSchema.nullable()),
});

// The service's schema carries no words for these two; the form says them as it always has.
const messages = {
  error: (issue: { path?: PropertyKey[]; code: string }) => {
    if (issue.path?.[0] === "expiresInDays") return `A whole number of days from 1 to ${MAX_TOKEN_DAYS}.`;
    if (issue.path?.[0] === "name" && issue.code === "too_big") return `At most ${MAX_TOKEN_NAME} characters.`;
    if (issue.path?.[0] === "rateLimitPerMinute" && issue.code === "invalid_type") return "A whole number, or empty.";
    return undefined;
  },
};

const DEFAULTS = { name: "", scopes: ["read"] as TokenScope[], expiresInDays: "90", rateLimitPerMinute: "" };

export function CreateTokenForm({ onCreated }: { onCreated: (created: Created) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.session.me.queryOptions());
  const ids = { name: useId(), days: useId(), scopes: useId(), rate: useId() };
  const form = useForm({ resolver: zodResolver(formSchema, messages), defaultValues: DEFAULTS });
  const { errors } = form.formState;
  const create = useMutation(
    trpc.admin.tokens.create.mutationOptions({
      onSuccess: (created) => {
        onCreated(created);
        form.reset(DEFAULTS);
        return queryClient.invalidateQueries({ queryKey: trpc.admin.tokens.pathKey() });
      },
      onError: (error) =>
        applyServerError(form.setError, error, { fields: ["name", "scopes", "expiresInDays", "rateLimitPerMinute"] }),
    }),
  );

  const allowed = (scope: TokenScope) => me.data?.permissions.includes(SCOPE_PERMISSION[scope]) ?? scope === "read";
  const submit = form.handleSubmit((values) => create.mutate(values));
  const scopesError = fieldMessage(errors.scopes);

  return (
    <form
      onSubmit={submit}
      noValidate
      className="space-y-4"
      aria-label="Create an API token"
      data-testid="create-token-form"
    >
      <div className="grid gap-4 sm:grid-cols-[1fr_10rem]">
        <FormField id={ids.name} label="Name" error={fieldMessage(errors.name)}>
          {(control) => (
            <Input
              {...control}
              {...form.register("name")}
              placeholder="e.g. fraud-model nightly training"
              maxLength={MAX_TOKEN_NAME + 20}
              data-testid="token-name"
            />
          )}
        </FormField>
        <FormField id={ids.days} label="Expires in (days)" error={fieldMessage(errors.expiresInDays)}>
          {(control) => (
            <Input
              {...control}
              {...form.register("expiresInDays")}
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_TOKEN_DAYS}
              data-testid="token-expiry"
            />
          )}
        </FormField>
      </div>
      <FormField
        id={ids.rate}
        label="API requests per minute (empty: the default)"
        error={fieldMessage(errors.rateLimitPerMinute)}
      >
        {(control) => (
          <Input
            {...control}
            {...form.register("rateLimitPerMinute")}
            type="number"
            inputMode="numeric"
            min={1}
            placeholder="default"
            className="sm:w-40"
            data-testid="token-rate-limit"
          />
        )}
      </FormField>
      <fieldset aria-describedby={scopesError ? `${ids.scopes}-error` : undefined}>
        <legend className="mb-1 text-sm font-medium text-slate-700">Scopes</legend>
        <Controller
          control={form.control}
          name="scopes"
          render={({ field }) => (
            <div className="space-y-2">
              {TOKEN_SCOPES.map((scope) => {
                const permitted = allowed(scope);
                return (
                  <label key={scope} className={`flex items-start gap-2 text-sm ${permitted ? "" : "opacity-60"}`}>
                    <input
                      type="checkbox"
                      className="mt-0.5 h-4 w-4 rounded border-slate-300 accent-indigo-600"
                      checked={field.value.includes(scope)}
                      disabled={!permitted}
                      onChange={(e) =>
                        field.onChange(
                          e.target.checked
                            ? TOKEN_SCOPES.filter((s) => s === scope || field.value.includes(s))
                            : field.value.filter((s) => s !== scope),
                        )
                      }
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
          )}
        />
        {scopesError && (
          <p id={`${ids.scopes}-error`} className="mt-1 text-xs text-rose-700">
            {scopesError}
          </p>
        )}
      </fieldset>
      <FormFooter
        error={errors.root?.server?.message}
        pending={create.isPending}
        submitLabel="Create token"
        pendingLabel="Creating…"
        submitTestId="create-token"
      />
    </form>
  );
}
