import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { DriftStatus } from "@/contracts/enums";

const LOOK: Record<DriftStatus, { tone: BadgeTone; label: string }> = {
  OK: { tone: "green", label: "OK" },
  WARN: { tone: "amber", label: "Warn" },
  ALERT: { tone: "red", label: "Alert" },
  INSUFFICIENT_DATA: { tone: "gray", label: "Too few rows" },
};

export function DriftStatusBadge({ status }: { status: DriftStatus | null }) {
  if (status === null) return <Badge>Not scanned</Badge>;
  const look = LOOK[status];
  return (
    <span data-testid="drift-status" data-status={status}>
      <Badge tone={look.tone}>{look.label}</Badge>
    </span>
  );
}
