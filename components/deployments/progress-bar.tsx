import { cn } from "@/lib/cn";

/** A labelled progress bar for a fraction from 0 to 1. */
export function ProgressBar({
  value,
  label,
  failed,
  testId = "deployment-progress",
}: {
  value: number;
  label: string;
  failed: boolean;
  testId?: string;
}) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div>
      <div className="mb-1 flex justify-between text-xs text-slate-600">
        <span>{label}</span>
        <span>{percent}%</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid={testId}
        className="h-2.5 overflow-hidden rounded-full bg-slate-100"
      >
        <div
          className={cn(
            "h-full rounded-full transition-[width] duration-500",
            failed ? "bg-rose-500" : "bg-indigo-600",
          )}
          style={{ width: `${percent}%` }}
        />
      </div>
    </div>
  );
}
