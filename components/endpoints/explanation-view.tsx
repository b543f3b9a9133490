import type { RowExplanation } from "@/contracts/explanations";
import { AttributionChart } from "@/components/endpoints/attribution-chart";
import { AttributionTable } from "@/components/endpoints/attribution-table";
import { attributionBars, outputSpaceLabel } from "@/components/endpoints/explanation-bars";
import { formatOutput } from "@/components/endpoints/prediction-rows";
import { EmptyState } from "@/components/ui/empty-state";

type Explanation = RowExplanation;

const METHOD_LABELS: Record<Explanation["method"], string> = {
  "tree-shap-path-dependent": "TreeSHAP (path-dependent)",
  "linear-shap": "Linear SHAP",
};

/** One row's explanation: where the model starts, where it ends, and each feature's share of the difference. */
export function ExplanationView({ explanation, row }: { explanation: Explanation; row: Record<string, unknown> }) {
  const bars = attributionBars(explanation.attributions, row);
  return (
    <div className="space-y-3" data-testid="explanation">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="text-slate-500">Expected value</dt>
        <dd className="font-mono tabular-nums" data-testid="explanation-expected">
          {formatOutput(explanation.expectedValue)}
        </dd>
        <dt className="text-slate-500">Output</dt>
        <dd className="font-mono tabular-nums" data-testid="explanation-output">
          {formatOutput(explanation.output)}
        </dd>
        <dt className="text-slate-500">Output space</dt>
        <dd data-testid="explanation-space">{outputSpaceLabel(explanation.outputSpace)}</dd>
        <dt className="text-slate-500">Method</dt>
        <dd data-testid="explanation-method">{METHOD_LABELS[explanation.method]}</dd>
      </dl>
      {bars.length === 0 ? (
        <EmptyState title="No feature attributions" description="The runtime answered no features for this row." />
      ) : (
        <>
          <p className="text-xs text-slate-500">
            Attributions add up to output − expected value. Red pushed the output up, blue pushed it down.
          </p>
          <AttributionChart bars={bars} />
          <AttributionTable bars={bars} />
        </>
      )}
    </div>
  );
}
