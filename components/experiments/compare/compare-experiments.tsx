import { IntentLink } from "@/components/ui/intent-link";
import { memo } from "react";
import type { RouterOutputs } from "@/trpc/react";

type Run = RouterOutputs["experiments"]["compare"]["runs"][number];

/** Which experiments the compared runs come from, with links back to their runs tables. */
export const CompareExperiments = memo(function CompareExperiments({ runs }: { runs: Run[] }) {
  const experiments = new Map<string, { name: string; count: number }>();
  for (const run of runs) {
    const entry = experiments.get(run.experimentId) ?? { name: run.experimentName, count: 0 };
    entry.count += 1;
    experiments.set(run.experimentId, entry);
  }
  return (
    <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
      <span>From</span>
      {[...experiments.entries()].map(([id, { name, count }]) => (
        <IntentLink
          key={id}
          href={`/experiments/${id}`}
          className="rounded-md bg-white px-2 py-0.5 font-medium text-indigo-700 ring-1 ring-slate-200 hover:ring-indigo-300"
        >
          {name} <span className="font-normal text-slate-500">({count})</span>
        </IntentLink>
      ))}
    </p>
  );
});
