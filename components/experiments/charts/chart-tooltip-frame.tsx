import type { ReactNode } from "react";

/** The box every chart tooltip is drawn in, so all charts look alike. */
export function ChartTooltipFrame({ title, children }: { title?: ReactNode; children: ReactNode }) {
  return (
    <div className="pointer-events-none max-w-xs rounded-md border border-slate-200 bg-white/95 px-3 py-2 text-xs shadow-lg backdrop-blur">
      {title && <p className="mb-1 font-semibold text-slate-800">{title}</p>}
      {children}
    </div>
  );
}
