"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type KeyboardEvent } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { fieldMessage } from "@/components/forms/field-message";
import { plainMessages } from "@/components/forms/plain-messages";
import { applyServerError } from "@/components/forms/server-error";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { tableClasses as t } from "@/components/ui/table-classes";
import { cn } from "@/lib/cn";
import { useTRPC } from "@/trpc/react";
import { PRICE_TARGETS, upsertPriceInput } from "@/contracts/pricing";

export type PriceDraft = {
  name: string;
  target: (typeof PRICE_TARGETS)[number];
  hourlyUsd: string;
  vcpus: string;
  memoryGib: string;
  gpus: string;
  source: string;
};

export const EMPTY_DRAFT: PriceDraft = {
  name: "",
  target: "LOCAL",
  hourlyUsd: "",
  vcpus: "",
  memoryGib: "",
  gpus: "0",
  source: "",
};

const numberOrNull = (text: string) => (text.trim() === "" ? null : Number(text));

function toInput(draft: PriceDraft): z.input<typeof upsertPriceInput> {
  return {
    name: draft.name,
    target: draft.target,
    hourlyUsd: draft.hourlyUsd.trim() === "" ? Number.NaN : Number(draft.hourlyUsd),
    vcpus: numberOrNull(draft.vcpus),
    memoryGib: numberOrNull(draft.memoryGib),
    gpus: Number(draft.gpus || "0"),
    source: draft.source,
  };
}

const DRAFT_KEYS = Object.keys(EMPTY_DRAFT) as (keyof PriceDraft)[];

/** Every cell is text while edited; the server's schema judges the price it becomes. */
const formSchema = z
  .object({
    name: z.string(),
    target: z.enum(PRICE_TARGETS),
    hourlyUsd: z.string(),
    vcpus: z.string(),
    memoryGib: z.string(),
    gpus: z.string(),
    source: z.string(),
  })
  .transform(toInput)
  .pipe(upsertPriceInput);

type Props = { initial: PriceDraft; isNew?: boolean; meta?: string };

/**
 * One editable price: Enter in any field saves the row, Escape puts it back. Validated with the server's schema
 * before sending; the server's own messages land on their fields too.
 */
export function PriceRow({ initial, isNew = false, meta }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm({ resolver: zodResolver(formSchema, plainMessages), defaultValues: initial });
  const { errors } = form.formState;
  const draft = useWatch({ control: form.control });
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.cost.upsertPrice.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.cost.prices.queryKey() });
        setSaved(true);
        if (isNew) form.reset(EMPTY_DRAFT);
      },
      onError: (error) => applyServerError(form.setError, error, { fields: DRAFT_KEYS }),
    }),
  );
  // Compared with the row as the server has it now, so a saved edit is no longer a change.
  const dirty = DRAFT_KEYS.some((key) => draft[key] !== initial[key]);
  const formId = `price-${isNew ? "new" : initial.name}`;
  const submit = form.handleSubmit((price) => save.mutate(price));

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== "Escape") return;
    form.reset(initial);
    save.reset();
  }

  const field = (
    key: keyof PriceDraft,
    label: string,
    props: { className?: string; inputMode?: "decimal" | "numeric"; readOnly?: boolean } = {},
  ) => {
    const error = fieldMessage(errors[key]);
    return (
      <td className={t.tdWrap}>
        <Input
          form={formId}
          aria-label={`${label}${isNew ? " (new instance type)" : ` for ${initial.name}`}`}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${formId}-${key}-error` : undefined}
          {...form.register(key, { onChange: () => setSaved(false) })}
          onKeyDown={onKeyDown}
          className={cn("w-full", props.className)}
          inputMode={props.inputMode}
          readOnly={props.readOnly}
        />
        {error && (
          <p id={`${formId}-${key}-error`} className="mt-1 text-xs text-rose-700">
            {error}
          </p>
        )}
      </td>
    );
  };

  return (
    <tr className={t.row} data-row={isNew ? "new" : initial.name}>
      {field("name", "Instance type", {
        readOnly: !isNew,
        className: isNew ? "" : "border-transparent bg-transparent font-medium",
      })}
      <td className={t.tdWrap}>
        <Select
          form={formId}
          aria-label={`Target${isNew ? " (new instance type)" : ` for ${initial.name}`}`}
          {...form.register("target")}
          onKeyDown={onKeyDown}
        >
          {PRICE_TARGETS.map((target) => (
            <option key={target} value={target}>
              {target.toLowerCase()}
            </option>
          ))}
        </Select>
      </td>
      {field("hourlyUsd", "$/hour", { inputMode: "decimal", className: "w-28 text-right" })}
      {field("vcpus", "vCPUs", { inputMode: "numeric", className: "w-16 text-right" })}
      {field("memoryGib", "Memory GiB", { inputMode: "decimal", className: "w-20 text-right" })}
      {field("gpus", "GPUs", { inputMode: "numeric", className: "w-16 text-right" })}
      {field("source", "Source")}
      <td className={cn(t.tdWrap, "whitespace-nowrap")}>
        <form id={formId} onSubmit={submit} className="flex items-center gap-2">
          <Button
            type="submit"
            size="sm"
            variant={isNew ? "primary" : "secondary"}
            disabled={save.isPending || (!isNew && !dirty)}
          >
            {save.isPending ? "Saving…" : isNew ? "Add" : "Save"}
          </Button>
          {saved && !dirty && (
            <span role="status" className="text-xs text-emerald-700">
              Saved
            </span>
          )}
        </form>
        {errors.root?.server && (
          <p role="alert" className="mt-1 text-xs text-rose-700">
            {errors.root.server.message}
          </p>
        )}
        {meta && <p className="mt-1 text-xs text-slate-500">{meta}</p>}
      </td>
    </tr>
  );
}
