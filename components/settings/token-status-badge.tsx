import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { RouterOutputs } from "@/trpc/react";

type Status = RouterOutputs["admin"]["tokens"]["list"][number]["status"];

const TONE: Record<Status, BadgeTone> = { active: "green", expired: "gray", revoked: "red" };

export function TokenStatusBadge({ status }: { status: Status }) {
  return <Badge tone={TONE[status]}>{status}</Badge>;
}
