import type { AsyncInvocationStatus } from "@/contracts/async-invocations";
import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONES: Record<AsyncInvocationStatus, BadgeTone> = {
  QUEUED: "gray",
  RUNNING: "indigo",
  FAILED: "red",
  SUCCEEDED: "green",
};

export function AsyncStatusBadge({ status }: { status: AsyncInvocationStatus }) {
  return (
    <span data-testid="async-status" data-status={status}>
      <Badge tone={TONES[status]}>{status.toLowerCase()}</Badge>
    </span>
  );
}
