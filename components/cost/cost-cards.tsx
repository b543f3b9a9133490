import type { ReactNode } from "react";
import type { RouterOutputs } from "@/trpc/react";
import { formatCount, formatUsd } from "@/components/cost/cost-format";

type Total = NonNullable<RouterOutputs["cost"]["overview"]["total"]>;

function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint: string; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </p>
      <p className="mt-1 text-xs text-slate-500">{hint}</p>
    </div>
  );
}

/** The headline numbers: spend in the range, the current rate per hour and day, and the cost of 1,000 predictions. */
export function CostCards({ total, range }: { total: Total; range: string }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <Stat
        label={`Cost, last ${range}`}
        value={formatUsd(total.usd)}
        hint="instance-seconds × price per instance type"
        testId="cost-range-usd"
      />
      <Stat
        label="$/hour now"
        value={formatUsd(total.usdPerHourNow)}
        hint={`${formatCount(total.instancesNow)} instances running`}
        testId="cost-usd-per-hour"
      />
      <Stat
        label="$/day at this rate"
        value={formatUsd(total.usdPerDayNow)}
        hint="$/hour now × 24"
        testId="cost-usd-per-day"
      />
      <Stat
        label="$ per 1,000 predictions"
        value={total.predictions === null ? "not measured" : formatUsd(total.usdPer1kPredictions)}
        hint={
          total.predictions === null
            ? `predictions not measured for ${total.predictionsNotMeasured.join(", ")}`
            : total.predictions > 0
              ? `${formatCount(total.predictions)} predictions in the range, each counted on its own target`
              : "no predictions in the range"
        }
        testId="cost-usd-per-1k"
      />
    </div>
  );
}
