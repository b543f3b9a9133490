import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { RunStatus } from "@/contracts/enums";

const STATUS_TONES: Record<RunStatus, BadgeTone> = {
  RUNNING: "indigo",
  FINISHED: "green",
  FAILED: "red",
  KILLED: "gray",
};

const STATUS_LABELS: Record<RunStatus, string> = {
  RUNNING: "Running",
  FINISHED: "Finished",
  FAILED: "Failed",
  KILLED: "Killed",
};

export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <Badge tone={STATUS_TONES[status]} className="gap-1">
      {status === "RUNNING" && <span className="h-1.5 w-1.5 animate-pulse rounded-full bg-indigo-500" aria-hidden />}
      {STATUS_LABELS[status]}
    </Badge>
  );
}
