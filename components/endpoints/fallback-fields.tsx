"use client";

import { useFieldArray, useFormContext } from "react-hook-form";
import { COMPARISON_OPTIONS, type OnlineFeaturesFormValues } from "@/components/endpoints/online-features-form-schema";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";

/** The rules that answer when the model cannot: the first whose condition holds, else the default value. */
export function FallbackFields({ outputs }: { outputs: readonly string[] }) {
  const { register, control } = useFormContext<OnlineFeaturesFormValues>();
  const rules = useFieldArray({ control, name: "rules" });
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3 text-sm text-slate-700">
      <legend className="px-1 text-xs text-slate-500">Fallback rules</legend>
      <label className="block">
        Output answered
        <Select className="ml-2" {...register("output")} data-testid="fallback-output">
          {outputs.map((output) => (
            <option key={output} value={output}>
              {output}
            </option>
          ))}
        </Select>
      </label>
      {rules.fields.map((field, i) => (
        <div key={field.id} className="flex flex-wrap items-center gap-2" data-testid="fallback-rule">
          <span>If</span>
          <Input className="w-36" placeholder="field" aria-label="Field" {...register(`rules.${i}.field`)} />
          <Select aria-label="Comparison" {...register(`rules.${i}.op`)}>
            {COMPARISON_OPTIONS.map((op) => (
              <option key={op} value={op}>
                {op}
              </option>
            ))}
          </Select>
          <Input className="w-24" inputMode="decimal" aria-label="Value" {...register(`rules.${i}.value`)} />
          <span>answer</span>
          <Input className="w-24" inputMode="decimal" aria-label="Answer" {...register(`rules.${i}.score`)} />
          <Button variant="ghost" size="sm" onClick={() => rules.remove(i)}>
            Remove
          </Button>
        </div>
      ))}
      <Button variant="ghost" size="sm" onClick={() => rules.append({ field: "", op: ">=", value: "", score: "" })}>
        Add a rule
      </Button>
      <label className="block">
        Otherwise answer
        <Input
          className="ml-2 inline-block w-24"
          inputMode="decimal"
          {...register("otherwise")}
          data-testid="fallback-otherwise"
        />
      </label>
      <p className="text-xs text-slate-500">
        Rules read the row as the model would see it (stored and request features included); a rule never fires on a
        field the row lacks. Answers are marked as the fallback&apos;s, and the model&apos;s failure still counts in its
        error rate.
      </p>
    </fieldset>
  );
}
