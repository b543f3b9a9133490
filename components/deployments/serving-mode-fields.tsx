import type { DeploymentEnvironment, DeploymentTargetKind } from "@/contracts/enums";
import { SERVING_MODE_LABELS, type ServingMode } from "@/contracts/serving-modes";
import { formatBytes } from "@/lib/format";
import { describeSla, formatSeconds } from "@/lib/format-sla";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { TARGET_LABELS } from "@/components/deployments/labels";
import { modesAt, type ModeLimits, type ServingModes } from "@/components/deployments/serving-mode-choice";

function limitsText(limits: ModeLimits): string {
  return [
    limits.maxPayloadBytes === null ? "no payload limit" : `payloads up to ${formatBytes(limits.maxPayloadBytes)}`,
    limits.maxTimeoutSeconds === null
      ? "no processing time limit"
      : `processed within ${formatSeconds(limits.maxTimeoutSeconds)}`,
    limits.answersInRequest ? "answered within the request" : "queued; the answer is fetched or sent to a webhook",
  ].join(" · ");
}

type Props = {
  query: { data?: ServingModes; isPending: boolean; error: { message: string } | null; refetch: () => void };
  version: number;
  target: DeploymentTargetKind;
  environment: DeploymentEnvironment;
  selected: ServingMode | null;
  onSelect: (mode: ServingMode) => void;
};

/**
 * The modes the chosen target offers, each with its limits and whether the version's declared SLA fits them. A mode
 * the SLA does not fit cannot be picked; the server checks the same again before anything is written.
 */
export function ServingModeFields({ query, version, target, environment, selected, onSelect }: Props) {
  if (query.isPending) return <LoadingState label="Checking serving modes…" />;
  if (query.error) return <ErrorState error={query.error} onRetry={query.refetch} />;
  if (!query.data) return null;
  const { sla, targets } = query.data;
  const offer = targets.find((entry) => entry.target === target);
  const current = offer?.endpoints.find((endpoint) => endpoint.environment === environment);
  const modes = modesAt(query.data, target, environment);
  const fitting = modes.filter((mode) => mode.problems.length === 0);
  return (
    <fieldset className="space-y-2" data-testid="serving-modes">
      <legend className="mb-1 text-sm font-medium text-slate-700">Serving mode</legend>
      <p className="text-xs text-slate-500" data-testid="serving-sla-summary">
        {sla
          ? `v${version} declares: ${describeSla(sla)}.`
          : `v${version} declares no SLA, so no limit is checked (declare one under "Serving SLA" on this page).`}
        {current && ` ${current.name} serves ${SERVING_MODE_LABELS[current.mode].toLowerCase()} now.`}
        {target === "LOCAL" && " Every local endpoint takes both kinds of request; the mode sets the limits checked."}
      </p>
      {modes.map(({ mode, limits, problems, slaProblems, hostingProblems }) => {
        const id = `serving-mode-${mode.toLowerCase()}`;
        const blocked = problems.length > 0;
        return (
          <label
            key={mode}
            htmlFor={id}
            className={`flex gap-3 rounded-md border px-3 py-2 text-sm ${
              selected === mode ? "border-indigo-400 bg-indigo-50" : "border-slate-200"
            } ${blocked ? "opacity-80" : "cursor-pointer"}`}
            data-testid={id}
          >
            <input
              id={id}
              type="radio"
              name="serving-mode"
              value={mode}
              checked={selected === mode}
              disabled={blocked}
              onChange={() => onSelect(mode)}
              aria-describedby={`${id}-limits${blocked ? ` ${id}-problems` : ""}`}
              className="mt-1"
            />
            <span>
              <span className="font-medium text-slate-900">{SERVING_MODE_LABELS[mode]}</span>
              <span id={`${id}-limits`} className="block text-xs text-slate-500">
                {limitsText(limits)}
              </span>
              {blocked && (
                <span id={`${id}-problems`} className="block text-xs text-rose-700">
                  {[
                    slaProblems.length > 0 ? `Does not fit v${version}'s SLA: ${slaProblems.join("; ")}.` : "",
                    hostingProblems.length > 0 ? `Not on this endpoint: ${hostingProblems.join("; ")}.` : "",
                  ]
                    .filter(Boolean)
                    .join(" ")}
                </span>
              )}
            </span>
          </label>
        );
      })}
      {fitting.length === 0 && (
        <p role="alert" className="text-sm text-rose-700" data-testid="serving-mode-none">
          No mode of {TARGET_LABELS[target]} fits v{version}&apos;s SLA: choose another target or change the SLA.
        </p>
      )}
    </fieldset>
  );
}
