import { Badge } from "@/components/ui/badge";

/** `production → v7`; production stands out because it is what serves traffic. */
export function AliasBadge({ alias, version }: { alias: string; version: number }) {
  return (
    <Badge tone={alias === "production" ? "green" : "indigo"} className="whitespace-nowrap font-mono">
      <span data-testid="alias-badge">
        {alias} → v{version}
      </span>
    </Badge>
  );
}
