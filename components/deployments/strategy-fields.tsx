import { FormField } from "@/components/forms/form-field";
import { Input } from "@/components/ui/input";
import { TooFewRequestsField } from "@/components/deployments/too-few-requests-field";
import type { PathErrors } from "@/components/deployments/field-paths";
import type { PromoteFormValues, StrategyKind } from "@/components/deployments/promote-form-values";

const STRATEGY_CHOICES: { kind: StrategyKind; label: string; hint: string }[] = [
  { kind: "all-at-once", label: "All at once", hint: "Shift 100% of traffic in one step." },
  { kind: "canary", label: "Canary", hint: "Send a share of traffic, watch guardrails, then the rest." },
  { kind: "linear", label: "Linear", hint: "Move traffic in equal steps, watching guardrails after each." },
];

type Props = {
  values: PromoteFormValues;
  errors: PathErrors;
  onChange: (patch: Partial<PromoteFormValues>) => void;
};

function NumberField({
  id,
  label,
  hint,
  value,
  error,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  return (
    <FormField id={id} label={label} hint={hint} error={error}>
      {(control) => (
        <Input
          {...control}
          type="number"
          inputMode="numeric"
          min={0}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </FormField>
  );
}

/** The rollout strategy: a radio group, plus the share and bake time the chosen kind needs. */
export function StrategyFields({ values, errors, onChange }: Props) {
  return (
    <fieldset className="space-y-3" data-testid="promote-strategy">
      <legend className="mb-1 text-sm font-medium text-slate-700">Rollout strategy</legend>
      <div className="grid gap-2 sm:grid-cols-3">
        {STRATEGY_CHOICES.map((choice) => (
          <label
            key={choice.kind}
            className="flex cursor-pointer flex-col rounded-md border border-slate-200 p-2 text-sm has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50"
          >
            <span className="flex items-center gap-2 font-medium text-slate-800">
              <input
                type="radio"
                name="strategy"
                value={choice.kind}
                checked={values.strategyKind === choice.kind}
                onChange={() => onChange({ strategyKind: choice.kind })}
              />
              {choice.label}
            </span>
            <span className="mt-1 text-xs text-slate-500">{choice.hint}</span>
          </label>
        ))}
      </div>
      {values.strategyKind === "canary" && (
        <div className="grid grid-cols-2 gap-3">
          <NumberField
            id="promote-canary-percent"
            label="Canary share (%)"
            hint="1–99"
            value={values.canaryPercent}
            error={errors["strategy.canaryPercent"]}
            onChange={(canaryPercent) => onChange({ canaryPercent })}
          />
          <NumberField
            id="promote-bake-seconds"
            label="Bake time (seconds)"
            hint="Guardrails are watched this long."
            value={values.bakeSeconds}
            error={errors["strategy.bakeSeconds"]}
            onChange={(bakeSeconds) => onChange({ bakeSeconds })}
          />
        </div>
      )}
      {values.strategyKind !== "all-at-once" && (
        <TooFewRequestsField
          value={values.tooFewRequests}
          onChange={(tooFewRequests) => onChange({ tooFewRequests })}
        />
      )}
      {values.strategyKind === "linear" && (
        <div className="grid grid-cols-2 gap-3">
          <NumberField
            id="promote-step-percent"
            label="Step size (%)"
            hint="1–99; the last step reaches 100%."
            value={values.stepPercent}
            error={errors["strategy.stepPercent"]}
            onChange={(stepPercent) => onChange({ stepPercent })}
          />
          <NumberField
            id="promote-step-bake-seconds"
            label="Bake per step (seconds)"
            hint="Guardrails are watched after each step."
            value={values.stepBakeSeconds}
            error={errors["strategy.stepBakeSeconds"]}
            onChange={(stepBakeSeconds) => onChange({ stepBakeSeconds })}
          />
        </div>
      )}
    </fieldset>
  );
}
