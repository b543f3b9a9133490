"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type KeyboardEvent } from "react";
import { validateForm, type FieldErrors } from "@/components/registry/field-errors";
import { serverFieldErrors } from "@/components/registry/server-error";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { tableClasses as t } from "@/components/ui/table-classes";
import { cn } from "@/lib/cn";
import { useTRPC } from "@/lib/trpc";
import { PRICE_TARGETS, upsertPriceInput } from "@/server/services/cost/pricing-schema";

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

function toInput(draft: PriceDraft) {
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

type Props = { initial: PriceDraft; isNew?: boolean; meta?: string };

/**
 * One editable price: Enter in any field saves the row, Escape puts it back. Validated with the server's schema
 * before sending; the server's own messages land on their fields too.
 */
export function PriceRow({ initial, isNew = false, meta }: Props) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(initial);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.cost.upsertPrice.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.cost.prices.queryKey() });
        setSaved(true);
        if (isNew) setDraft(EMPTY_DRAFT);
      },
    }),
  );
  const server = serverFieldErrors(save.error);
  const errors = { ...server.fields, ...clientErrors };
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const formId = `price-${isNew ? "new" : initial.name}`;

  function submit(event: FormEvent) {
    event.preventDefault();
    const checked = validateForm(upsertPriceInput, toInput(draft));
    if (!checked.ok) {
      setClientErrors(checked.errors);
      return;
    }
    setClientErrors({});
    save.mutate(checked.data);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== "Escape") return;
    setDraft(initial);
    setClientErrors({});
    save.reset();
  }

  const field = (
    key: keyof PriceDraft,
    label: string,
    props: { className?: string; inputMode?: "decimal" | "numeric"; readOnly?: boolean } = {},
  ) => (
    <td className={t.tdWrap}>
      <Input
        form={formId}
        aria-label={`${label}${isNew ? " (new instance type)" : ` for ${initial.name}`}`}
        aria-invalid={Boolean(errors[key])}
        aria-describedby={errors[key] ? `${formId}-${key}-error` : undefined}
        value={draft[key]}
        onChange={(e) => {
          setSaved(false);
          setDraft({ ...draft, [key]: e.target.value });
        }}
        onKeyDown={onKeyDown}
        className={cn("w-full", props.className)}
        inputMode={props.inputMode}
        readOnly={props.readOnly}
      />
      {errors[key] && (
        <p id={`${formId}-${key}-error`} className="mt-1 text-xs text-rose-700">
          {errors[key]}
        </p>
      )}
    </td>
  );

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
          value={draft.target}
          onChange={(e) => setDraft({ ...draft, target: e.target.value as PriceDraft["target"] })}
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
        {server.form && (
          <p role="alert" className="mt-1 text-xs text-rose-700">
            {server.form}
          </p>
        )}
        {meta && <p className="mt-1 text-xs text-slate-500">{meta}</p>}
      </td>
    </tr>
  );
}
