import { Badge } from "@/components/ui/badge";

/** Marks seeded demo data so nobody mistakes it for measured production data. */
export function DemoBadge() {
  return (
    <Badge tone="amber" className="uppercase tracking-wide">
      demo
    </Badge>
  );
}
