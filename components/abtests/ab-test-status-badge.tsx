import type { AB_TEST_STATUSES } from "@/contracts/abtests";
import { Badge, type BadgeTone } from "@/components/ui/badge";

type Status = (typeof AB_TEST_STATUSES)[number];

const TONE: Record<Status, BadgeTone> = {
  PLANNED: "gray",
  SHADOW: "indigo",
  RUNNING: "green",
  STOPPED: "amber",
  CONCLUDED: "indigo",
};

export const AB_STATUS_LABELS: Record<Status, string> = {
  PLANNED: "Planned",
  SHADOW: "Shadow",
  RUNNING: "Running",
  STOPPED: "Stopped",
  CONCLUDED: "Concluded",
};

export function AbTestStatusBadge({ status }: { status: Status }) {
  return <Badge tone={TONE[status]}>{AB_STATUS_LABELS[status]}</Badge>;
}
