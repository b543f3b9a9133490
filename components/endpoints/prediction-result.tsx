import type { RouterOutputs } from "@/trpc/react";
import { formatOutput } from "@/components/endpoints/prediction-rows";

type Result = RouterOutputs["endpoints"]["predict"];

const SHOWN_ROWS = 10;

const FALLBACK_TEXT = {
  model_failed: "the model failed",
  features_unavailable: "its stored features could not be read",
} as const;

const featureSourceText = ({ hot, cold }: { hot: number; cold: number }) =>
  [hot > 0 && `${hot} from Redis`, cold > 0 && `${cold} from PostgreSQL (Redis slow, down or lacking them)`]
    .filter(Boolean)
    .join(", ");

/** What the endpoint answered: the outputs per row, which variant served them, the prediction id and round trip. */
export function PredictionResult({ result }: { result: Result }) {
  const shown = result.predictions.slice(0, SHOWN_ROWS);
  return (
    <div
      className="space-y-3 rounded-md border border-emerald-200 bg-emerald-50/60 p-3 text-sm"
      data-testid="prediction-result"
    >
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="text-slate-500">Variant</dt>
        <dd className="font-mono" data-testid="prediction-variant">
          {result.variant}
          {result.modelVersion !== null && <span className="text-slate-500"> (v{result.modelVersion})</span>}
        </dd>
        <dt className="text-slate-500">Prediction id</dt>
        <dd className="break-all font-mono" data-testid="prediction-id">
          {result.predictionId}
        </dd>
        {result.featureSources && (
          <>
            <dt className="text-slate-500">Stored features</dt>
            <dd data-testid="prediction-feature-sources">{featureSourceText(result.featureSources)}</dd>
          </>
        )}
        <dt className="text-slate-500">Round trip</dt>
        <dd className="tabular-nums" data-testid="prediction-latency">
          {result.latencyMs} ms <span className="text-slate-500">(measured from the portal)</span>
        </dd>
      </dl>
      {result.fallback && (
        <p
          role="status"
          className="rounded border border-amber-300 bg-amber-50 px-2 py-1 text-amber-900"
          data-testid="prediction-fallback"
        >
          Answered by the endpoint&apos;s fallback rules, not the model ({FALLBACK_TEXT[result.fallback.reason]}):{" "}
          {result.fallback.detail}
        </p>
      )}
      <ol className="space-y-1">
        {shown.map((prediction, i) => (
          <li key={i} className="flex flex-wrap gap-x-4" data-testid="prediction-row">
            {result.predictions.length > 1 && <span className="text-slate-500">Row {i}</span>}
            {Object.entries(prediction).map(([output, value]) => (
              <span key={output}>
                <span className="text-slate-600">{output}</span>{" "}
                <span
                  className="font-mono font-semibold tabular-nums"
                  data-testid="prediction-score"
                  data-output={output}
                >
                  {formatOutput(value)}
                </span>
              </span>
            ))}
          </li>
        ))}
      </ol>
      {result.predictions.length > SHOWN_ROWS && (
        <p className="text-slate-500">and {result.predictions.length - SHOWN_ROWS} more rows</p>
      )}
    </div>
  );
}
