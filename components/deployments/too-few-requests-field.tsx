import { FormField } from "@/components/forms/form-field";
import { Select } from "@/components/ui/select";
import type { TooFewRequests } from "@/components/deployments/promote-form-values";

const CHOICES: { value: TooFewRequests; label: string }[] = [
  { value: "ask", label: "Ask me to continue or roll back" },
  { value: "roll-back", label: "Roll back" },
];

/** What a bake does when, even after extending its window, too few requests reached the candidate to judge it. */
export function TooFewRequestsField({
  value,
  onChange,
}: {
  value: TooFewRequests;
  onChange: (value: TooFewRequests) => void;
}) {
  return (
    <FormField
      id="promote-too-few-requests"
      label="If too few requests reach the candidate"
      hint="The bake is extended up to twice first; it never passes without a verdict."
    >
      {(control) => (
        <Select
          {...control}
          value={value}
          onChange={(event) => onChange(CHOICES.find((c) => c.value === event.target.value)?.value ?? "ask")}
        >
          {CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </Select>
      )}
    </FormField>
  );
}
