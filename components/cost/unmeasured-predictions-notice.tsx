import type { RouterOutputs } from "@/trpc/react";

type EndpointPredictions = RouterOutputs["cost"]["overview"]["predictions"][number];

const SOURCES: Record<EndpointPredictions["source"], string> = {
  "local-runtime": "the local runtime's counters",
  "kubernetes-pods": "the Kubernetes runtime pods' counters",
  cloudwatch: "CloudWatch Invocations",
};

/** Which endpoints' predictions could not be counted on their own target, and why; nothing when all were. */
export function UnmeasuredPredictionsNotice({ predictions }: { predictions: EndpointPredictions[] }) {
  const unmeasured = predictions.filter((p) => p.predictions === null);
  if (unmeasured.length === 0) return null;
  return (
    <div
      className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900"
      role="status"
      data-testid="cost-predictions-not-measured"
    >
      <p className="font-medium">
        Predictions not measured for {unmeasured.length} endpoint{unmeasured.length === 1 ? "" : "s"}, so their rows
        (and the totals that include them) show no $ per 1,000 predictions:
      </p>
      <ul className="mt-1 list-disc pl-5">
        {unmeasured.map((p) => (
          <li key={p.endpoint} data-endpoint={p.endpoint}>
            <span className="font-mono">{p.endpoint}</span> — counted from {SOURCES[p.source]}: {p.notMeasuredReason}
          </li>
        ))}
      </ul>
    </div>
  );
}
