import Link from "next/link";
import { endpointHref } from "@/components/endpoints/endpoint-list-params";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import type { RouterOutputs } from "@/trpc/react";
import { FAST_BURN, SLOW_BURN } from "@/contracts/slo-rules";
import { formatRatio, formatSeconds, NO_DATA } from "@/components/latency/latency-format";

type Slo = RouterOutputs["latency"]["dashboard"]["slo"];
type EndpointSlo = Slo["endpoints"][number];

function burnTone(burn1h: number | null, burn6h: number | null): { tone: BadgeTone; label: string } {
  if (burn1h === null && burn6h === null) return { tone: "gray", label: "no traffic" };
  if ((burn1h ?? 0) >= FAST_BURN) return { tone: "red", label: "fast burn" };
  if ((burn6h ?? 0) >= SLOW_BURN) return { tone: "amber", label: "slow burn" };
  return { tone: "green", label: "within budget" };
}

const formatBurn = (burn: number | null) => (burn === null ? NO_DATA : `${burn.toFixed(2)}×`);

function Objective({ e }: { e: EndpointSlo }) {
  const text = `p99 < ${formatSeconds(e.objective.p99TargetSeconds)}, ${formatRatio(e.objective.availability)} (budget ${formatRatio(e.objective.errorBudget)})`;
  if (e.endpointId === null)
    return <span title="Not a portal endpoint, so it is held to the default objective">{text} · default</span>;
  return (
    <Link
      href={endpointHref(e.endpointId)}
      className="text-indigo-700 hover:underline"
      title="Set on the endpoint's page"
    >
      {text}
    </Link>
  );
}

/** Per endpoint: p99 over the last hour against its own target, and its error-budget burn over 1 h, 6 h and 30 days. */
export function LatencySloCards({ slo }: { slo: Slo }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
      {slo.endpoints.map((e) => {
        const status = burnTone(e.burn1h, e.burn6h);
        const slow = e.p99 !== null && e.p99 > e.objective.p99TargetSeconds;
        return (
          <Card key={e.endpoint} title={e.endpoint} actions={<Badge tone={status.tone}>{status.label}</Badge>}>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm" data-testid={`slo-${e.endpoint}`}>
              <dt className="text-slate-500">Objective</dt>
              <dd className="text-xs" data-source={e.objective.source}>
                <Objective e={e} />
              </dd>
              <dt className="text-slate-500">p99 (1 h)</dt>
              <dd className={slow ? "font-semibold text-rose-700" : "text-slate-800"} data-query={slo.queries.p99}>
                {formatSeconds(e.p99)}{" "}
                <span className="text-xs text-slate-500">target {formatSeconds(e.objective.p99TargetSeconds)}</span>
              </dd>
              <dt className="text-slate-500">Burn rate 1 h</dt>
              <dd data-query={slo.queries.errorRatio1h}>{formatBurn(e.burn1h)}</dd>
              <dt className="text-slate-500">Burn rate 6 h</dt>
              <dd data-query={slo.queries.errorRatio6h}>{formatBurn(e.burn6h)}</dd>
              <dt className="text-slate-500">Budget used (30 d)</dt>
              <dd data-query={slo.queries.errorRatio30d}>
                {e.budgetUsed30d === null ? NO_DATA : formatRatio(e.budgetUsed30d)}
              </dd>
            </dl>
          </Card>
        );
      })}
    </div>
  );
}
