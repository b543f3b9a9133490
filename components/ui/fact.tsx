import type { ReactNode } from "react";

/** One labelled fact of a detail card (inside a <dl>): the label a third of the width, the value the rest. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-2 py-1.5 text-sm">
      <dt className="text-slate-500">{label}</dt>
      <dd className="col-span-2 min-w-0 text-slate-800">{children}</dd>
    </div>
  );
}
