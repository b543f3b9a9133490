import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { GateEvaluationStatus } from "@/contracts/golden-sets";

const TONE: Record<GateEvaluationStatus, BadgeTone> = {
  QUEUED: "gray",
  RUNNING: "indigo",
  PASSED: "green",
  FAILED: "red",
  ERROR: "amber",
};

export function GateStatusBadge({ status }: { status: GateEvaluationStatus }) {
  return <Badge tone={TONE[status]}>{status.toLowerCase()}</Badge>;
}
