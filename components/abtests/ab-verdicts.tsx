import type { AbAnalysis } from "@/contracts/abtest-analysis";
import { formatDateTime, formatRelative } from "@/lib/format";
import { labelDelayText, srmText } from "@/components/abtests/ab-analysis-format";
import { VERDICT_WORDS, verdictHeadline } from "@/components/abtests/ab-verdict-wording";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";

/**
 * Each challenger's verdict at the latest look, with its reason, and what conditions every verdict: whether traffic is
 * split as configured (SRM), how long outcomes take to arrive, and the sources this look could not read.
 */
export function AbVerdicts({ analysis, arms }: { analysis: AbAnalysis; arms: AbTestView["arms"] }) {
  const at = new Date(analysis.at);
  const { srm } = analysis;
  return (
    <Card
      title="Verdict"
      actions={
        <span className="text-xs text-slate-500">
          Look at <time dateTime={analysis.at}>{formatDateTime(at)}</time> ({formatRelative(at)})
        </span>
      }
    >
      <div className="space-y-3 text-sm" data-testid="ab-verdicts">
        <ul className="space-y-2">
          {analysis.verdicts.map((verdict) => (
            <li key={verdict.variantName} data-testid={`ab-verdict-${verdict.verdict}`}>
              <p className="flex flex-wrap items-center gap-2 font-medium text-slate-800">
                <Badge tone={VERDICT_WORDS[verdict.verdict].tone}>{VERDICT_WORDS[verdict.verdict].label}</Badge>
                {verdictHeadline(arms, verdict)}
              </p>
              <p className="mt-0.5 text-slate-600">{verdict.reason}</p>
            </li>
          ))}
        </ul>
        <p
          className={srm.mismatch ? "font-medium text-amber-800" : "text-slate-600"}
          role={srm.mismatch ? "alert" : undefined}
          data-testid="ab-srm"
        >
          {srmText(srm)}
          <span className="text-xs text-slate-500">
            {" "}
            · assignments since {formatDateTime(new Date(srm.since))}
            {srm.counts.length > 0 &&
              `: ${srm.counts.map((c) => `${c.variantName} ${Math.round(c.observed).toLocaleString("en")} (expected ${Math.round(c.expected).toLocaleString("en")})`).join(", ")}`}
          </span>
        </p>
        <p className="text-slate-600" data-testid="ab-label-delay">
          {labelDelayText(analysis)}{" "}
          {analysis.labelDelay.minutes > 0 && (
            <span className="text-xs text-slate-500">
              Cutoff {formatDateTime(new Date(analysis.labelDelay.outcomeCutoff))}.
            </span>
          )}
        </p>
        {analysis.unavailable.length > 0 && (
          <ul className="space-y-1 text-xs text-amber-800" data-testid="ab-unavailable">
            {analysis.unavailable.map((u) => (
              <li key={u.source}>
                Not read at this look — {u.source}: {u.reason}
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
