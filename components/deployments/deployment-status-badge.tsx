import { Badge } from "@/components/ui/badge";
import type { DeploymentStatus } from "@/contracts/enums";
import { STATUS_LABELS, STATUS_TONES } from "@/components/deployments/labels";

export function DeploymentStatusBadge({ status, testId }: { status: DeploymentStatus; testId?: string }) {
  return (
    <span data-testid={testId} data-status={status}>
      <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>
    </span>
  );
}
