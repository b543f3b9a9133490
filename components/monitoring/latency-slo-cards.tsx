import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import type { RouterOutputs } from "@/lib/trpc";
import { formatRatio, formatSeconds, NO_DATA } from "./latency-format";

type Slo = RouterOutputs["monitoring"]["latency"]["slo"];

// Multi-window burn-rate alerting (Google SRE workbook): 14.4 over 1 h pages, 6 over 6 h opens a ticket.
const FAST_BURN = 14.4;
const SLOW_BURN = 6;

function burnTone(burn1h: number | null, burn6h: number | null): { tone: BadgeTone; label: string } {
  if (burn1h === null && burn6h === null) return { tone: "gray", label: "no traffic" };
  if ((burn1h ?? 0) >= FAST_BURN) return { tone: "red", label: "fast burn" };
  if ((burn6h ?? 0) >= SLOW_BURN) return { tone: "amber", label: "slow burn" };
  return { tone: "green", label: "within budget" };
}

const formatBurn = (burn: number | null) => (burn === null ? NO_DATA : `${burn.toFixed(2)}×`);

/** Per endpoint: p99 over the last hour against the target, and the error-budget burn over 1 h, 6 h and 30 days. */
export function LatencySloCards({ slo }: { slo: Slo }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {slo.endpoints.map((e) => {
        const status = burnTone(e.burn1h, e.burn6h);
        const slow = e.p99 !== null && e.p99 > slo.p99TargetSeconds;
        return (
          <Card key={e.endpoint} title={e.endpoint} actions={<Badge tone={status.tone}>{status.label}</Badge>}>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm" data-testid={`slo-${e.endpoint}`}>
              <dt className="text-slate-500">p99 (1 h)</dt>
              <dd className={slow ? "font-semibold text-rose-700" : "text-slate-800"} data-query={slo.queries.p99}>
                {formatSeconds(e.p99)} <span className="text-xs text-slate-400">target {formatSeconds(slo.p99TargetSeconds)}</span>
              </dd>
              <dt className="text-slate-500">Burn rate 1 h</dt>
              <dd data-query={slo.queries.burn1h}>{formatBurn(e.burn1h)}</dd>
              <dt className="text-slate-500">Burn rate 6 h</dt>
              <dd data-query={slo.queries.burn6h}>{formatBurn(e.burn6h)}</dd>
              <dt className="text-slate-500">Budget used (30 d)</dt>
              <dd data-query={slo.queries.budgetUsed30d}>{e.budgetUsed30d === null ? NO_DATA : formatRatio(e.budgetUsed30d)}</dd>
            </dl>
          </Card>
        );
      })}
    </div>
  );
}
