import { Select } from "@/components/ui/select";
import { RUN_PAGE_SIZES } from "@/components/experiments/shared/url";

export function RunsPageSize({ value, onChange }: { value: number; onChange: (pageSize: number) => void }) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-600">
      <span className="whitespace-nowrap">Rows</span>
      <Select value={value} onChange={(event) => onChange(Number(event.target.value))} aria-label="Runs per page">
        {RUN_PAGE_SIZES.map((size) => (
          <option key={size} value={size}>
            {size}
          </option>
        ))}
      </Select>
    </label>
  );
}
