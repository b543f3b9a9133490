import { Badge } from "@/components/ui/badge";
import type { GateResult } from "@/contracts/deployments";

function isGateResult(value: unknown): value is GateResult {
  return (
    typeof value === "object" &&
    value !== null &&
    "passed" in value &&
    "detail" in value &&
    typeof value.detail === "string"
  );
}

/** The gates a promotion was checked against when requested (stored as JSON on the promotion). */
export function GatesList({ gates }: { gates: unknown }) {
  const results = Array.isArray(gates) ? gates.filter(isGateResult) : [];
  if (results.length === 0) return <span className="text-slate-500">none</span>;
  return (
    <ul className="space-y-1">
      {results.map((gate) => (
        <li key={`${gate.gate}:${gate.detail}`} className="flex items-start gap-2">
          <Badge
            tone={
              gate.status === "NOT_CONFIGURED"
                ? "gray"
                : gate.passed
                  ? "green"
                  : gate.status === "FAILED"
                    ? "red"
                    : "gray"
            }
          >
            {gate.status === "NOT_CONFIGURED"
              ? "not configured"
              : gate.passed
                ? "passed"
                : gate.status
                  ? gate.status.toLowerCase()
                  : "failed"}
          </Badge>
          <span>{gate.detail}</span>
        </li>
      ))}
    </ul>
  );
}
