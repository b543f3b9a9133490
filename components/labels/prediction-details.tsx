import type { LabelStratum } from "@/contracts/label-strata";
import { Badge } from "@/components/ui/badge";
import { FieldTable } from "@/components/labels/field-table";
import { fieldRows } from "@/lib/label-keys";
import { formatDateTime } from "@/lib/format";

export type PredictionView = {
  predictionId: string;
  variantName: string;
  predictedAt: Date;
  stratum: LabelStratum;
  inclusionProbability: number;
  inputs: unknown;
  outputs: unknown;
  score: number | null;
  predicted: { label: string | null; value: number | null };
};

const STRATUM_WHY: Record<LabelStratum, string> = {
  AUDIT: "random audit floor",
  UNCERTAINTY: "score near the decision threshold",
  DISAGREEMENT: "another variant predicted differently",
  DRIFT: "a feature fell in a drifted bin",
  FLAGGED: "flagged by a caller or guardrail",
};

/** A sampled prediction: the model's answer and score, why it was sampled (stratum, π) and its features. */
export function PredictionDetails({ item }: { item: PredictionView }) {
  const answer = item.predicted.label ?? (item.predicted.value === null ? "—" : String(item.predicted.value));
  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs text-slate-500">Model said</dt>
          <dd className="font-semibold text-slate-900" data-testid="predicted-answer">
            {answer}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Score</dt>
          <dd className="font-mono" data-testid="predicted-score">
            {item.score === null ? "—" : item.score.toFixed(4)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Why sampled</dt>
          <dd>
            <Badge tone="indigo">{item.stratum}</Badge>{" "}
            <span className="text-xs text-slate-500">{STRATUM_WHY[item.stratum]}</span>
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500" title="The probability this prediction was captured and sampled">
            Inclusion probability π
          </dt>
          <dd className="font-mono" data-testid="inclusion-probability">
            {item.inclusionProbability.toPrecision(3)}
          </dd>
        </div>
      </dl>
      <p className="text-xs text-slate-500">
        Prediction <span className="font-mono">{item.predictionId}</span> · variant {item.variantName} ·{" "}
        {formatDateTime(item.predictedAt)}
      </p>
      <div className="grid gap-4 md:grid-cols-2">
        <FieldTable title="Features" rows={fieldRows(item.inputs)} testId="item-features" />
        <FieldTable title="Model output" rows={fieldRows(item.outputs)} testId="item-outputs" />
      </div>
    </div>
  );
}
