import { Badge } from "@/components/ui/badge";
import { tableClasses } from "@/components/ui/table-classes";
import { CiBar } from "@/components/golden-sets/ci-bar";
import type { GateMetricResult } from "@/contracts/golden-sets";

const number = (value: number | null) => (value === null ? "—" : value.toFixed(4));
const metricName = (m: GateMetricResult) => (m.class === null ? m.metric : `${m.metric} [${m.class}]`);

/** Per criterion: candidate vs champion, Δ with its interval, the margin or bound, and the verdict. */
export function GateMetricsTable({
  metrics,
  confidenceLevel,
}: {
  metrics: GateMetricResult[];
  confidenceLevel: number;
}) {
  const headers = [
    "Metric",
    "Candidate",
    "Champion",
    "Δ",
    `${Math.round(confidenceLevel * 100)}% interval of Δ`,
    "Margin / bound",
    "Verdict",
  ];
  return (
    <div className={tableClasses.wrapper}>
      <table className={tableClasses.table} data-testid="gate-metrics">
        <thead className={tableClasses.head}>
          <tr>
            {headers.map((h) => (
              <th key={h} scope="col" className={tableClasses.th}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={tableClasses.body}>
          {metrics.map((m) => (
            <tr key={metricName(m)}>
              <th scope="row" className={tableClasses.td}>
                {metricName(m)}
                {m.tooSmall && (
                  <span className="ml-2">
                    <Badge tone="amber">too few rows</Badge>
                  </span>
                )}
              </th>
              <td className={tableClasses.td}>{number(m.candidate)}</td>
              <td className={tableClasses.td}>{number(m.champion)}</td>
              <td className={tableClasses.td}>{number(m.delta)}</td>
              <td className={tableClasses.td}>
                {m.ciLower !== null && m.ciUpper !== null && m.delta !== null ? (
                  <div className="flex items-center gap-2">
                    <CiBar
                      lower={m.ciLower}
                      upper={m.ciUpper}
                      delta={m.delta}
                      margin={m.margin}
                      higherIsBetter={m.higherIsBetter}
                    />
                    <span className="text-xs text-slate-500">
                      [{number(m.ciLower)}, {number(m.ciUpper)}]
                    </span>
                  </div>
                ) : (
                  "—"
                )}
              </td>
              <td className={tableClasses.td}>
                {m.margin !== null && `margin ${m.margin}`}
                {m.margin !== null && m.bound !== null && " · "}
                {m.bound !== null && `${m.higherIsBetter ? "floor" : "ceiling"} ${m.bound}`}
              </td>
              <td className={tableClasses.td}>
                <Badge tone={m.verdict === "PASS" ? "green" : "red"}>{m.verdict === "PASS" ? "pass" : "fail"}</Badge>
                {m.reasons.length > 0 && <p className="mt-1 text-xs text-rose-700">{m.reasons.join("; ")}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
