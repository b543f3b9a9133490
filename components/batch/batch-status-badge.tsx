import type { BatchJobStatus } from "@/contracts/batch-jobs";
import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONES: Record<BatchJobStatus, BadgeTone> = {
  QUEUED: "gray",
  RUNNING: "indigo",
  CANCELLING: "amber",
  CANCELLED: "amber",
  FAILED: "red",
  SUCCEEDED: "green",
};

export function BatchStatusBadge({ status }: { status: BatchJobStatus }) {
  return (
    <span data-testid="batch-status" data-status={status}>
      <Badge tone={TONES[status]}>{status.toLowerCase()}</Badge>
    </span>
  );
}
