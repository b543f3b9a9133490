import { CheckCircle2, Circle, CircleSlash, Loader2, PauseCircle, XCircle } from "lucide-react";
import { cn } from "@/lib/cn";
import { formatDateTime, formatDuration } from "@/lib/format";
import { stepLabel, type StepState, type TimelineStep } from "@/components/deployments/timeline";

const STATE_STYLES: Record<StepState, { icon: typeof Circle; className: string; label: string }> = {
  pending: { icon: Circle, className: "text-slate-300", label: "pending" },
  running: { icon: Loader2, className: "animate-spin text-indigo-600", label: "running" },
  waiting: { icon: PauseCircle, className: "text-amber-600", label: "waiting for a decision" },
  succeeded: { icon: CheckCircle2, className: "text-emerald-600", label: "succeeded" },
  failed: { icon: XCircle, className: "text-rose-600", label: "failed" },
  skipped: { icon: CircleSlash, className: "text-slate-400", label: "skipped" },
  abandoned: { icon: CircleSlash, className: "text-amber-600", label: "abandoned (its worker stopped)" },
};

function StepRow({ step, now }: { step: TimelineStep; now: Date }) {
  const style = STATE_STYLES[step.state];
  const Icon = style.icon;
  return (
    <li className="flex gap-3 py-2" data-testid={`step-${step.name}`} data-outcome={step.state}>
      <Icon className={cn("mt-0.5 h-5 w-5 shrink-0", style.className)} aria-hidden />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <span className={cn("text-sm font-medium", step.state === "pending" ? "text-slate-500" : "text-slate-900")}>
            {stepLabel(step.name)}
            {!step.planned && <span className="ml-2 text-xs font-normal text-amber-700">(unplanned)</span>}
          </span>
          <span className="text-xs text-slate-500">
            <span className="sr-only">Outcome: </span>
            {style.label}
            {step.attempts > 1 && ` · attempt ${step.attempts}`}
            {step.startedAt && (
              <>
                {" · "}
                <time dateTime={step.startedAt.toISOString()} title={formatDateTime(step.startedAt)}>
                  {step.startedAt.toLocaleTimeString()}
                </time>
                {" · "}
                {formatDuration(step.startedAt, step.finishedAt, now)}
              </>
            )}
          </span>
        </div>
        {step.message && (
          <p className={cn("mt-0.5 text-sm", step.state === "failed" ? "text-rose-700" : "text-slate-600")}>
            {step.message}
          </p>
        )}
      </div>
    </li>
  );
}

/** The planned steps with their recorded outcomes, in order. */
export function DeploymentTimeline({ steps, now }: { steps: TimelineStep[]; now: Date }) {
  return (
    <ol className="divide-y divide-slate-100" data-testid="deployment-timeline" aria-label="Deployment steps">
      {steps.map((step) => (
        <StepRow key={step.name} step={step} now={now} />
      ))}
    </ol>
  );
}
