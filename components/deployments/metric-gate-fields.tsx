import { FormField } from "@/components/forms/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import type { PathErrors } from "@/components/deployments/field-paths";
import type { PromoteFormValues } from "@/components/deployments/promote-form-values";

type Props = {
  metricNames: string[];
  values: PromoteFormValues;
  errors: PathErrors;
  onChange: (patch: Partial<PromoteFormValues>) => void;
};

/** The optional metric gate: the candidate's metric must not be worse than production's by more than the tolerance. */
export function MetricGateFields({ metricNames, values, errors, onChange }: Props) {
  if (metricNames.length === 0) {
    return <p className="text-sm text-slate-500">No metric gate: this version was registered without metrics.</p>;
  }
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3" data-testid="promote-metric-gate">
      <legend className="px-1 text-sm font-medium text-slate-700">Metric gate (optional)</legend>
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={values.gateEnabled}
          onChange={(e) => onChange({ gateEnabled: e.target.checked })}
          data-testid="promote-gate-enabled"
        />
        Refuse the promotion if this version is worse than production
      </label>
      {values.gateEnabled && (
        <>
          <div className="grid grid-cols-2 gap-3">
            <FormField id="promote-gate-metric" label="Metric" error={errors["metricGate.metric"]}>
              {(control) => (
                <Select
                  {...control}
                  className="w-full"
                  value={values.gateMetric}
                  onChange={(e) => onChange({ gateMetric: e.target.value })}
                >
                  <option value="">Choose a metric…</option>
                  {metricNames.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </Select>
              )}
            </FormField>
            <FormField
              id="promote-gate-tolerance"
              label="Tolerance"
              hint="How much worse it may be, in the metric's units."
              error={errors["metricGate.tolerance"]}
            >
              {(control) => (
                <Input
                  {...control}
                  type="number"
                  step="any"
                  min={0}
                  value={values.gateTolerance}
                  onChange={(e) => onChange({ gateTolerance: e.target.value })}
                />
              )}
            </FormField>
          </div>
          <label className="flex items-center gap-2 text-sm text-slate-700">
            <input
              type="checkbox"
              checked={values.gateHigherIsBetter}
              onChange={(e) => onChange({ gateHigherIsBetter: e.target.checked })}
            />
            Higher is better (uncheck for loss, error or latency metrics)
          </label>
        </>
      )}
    </fieldset>
  );
}
