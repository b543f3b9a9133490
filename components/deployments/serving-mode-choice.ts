import type { DeploymentEnvironment, DeploymentTargetKind } from "@/contracts/enums";
import type { ServingMode } from "@/contracts/serving-modes";
import type { RouterOutputs } from "@/trpc/react";

export type ServingModes = RouterOutputs["deployments"]["servingModes"];
export type TargetModes = ServingModes["targets"][number];
export type ModeLimits = TargetModes["modes"][number]["limits"];

/**
 * The modes a target offers a version at an environment's endpoint: the target's limits, plus what that endpoint's
 * hosting rules out (a SageMaker endpoint of inference components answers in real time only).
 */
export function modesAt(
  view: ServingModes | undefined,
  target: DeploymentTargetKind,
  environment: DeploymentEnvironment,
): (TargetModes["modes"][number] & { slaProblems: string[]; hostingProblems: string[] })[] {
  const offer = view?.targets.find((entry) => entry.target === target);
  const endpoint = offer?.endpoints.find((entry) => entry.environment === environment);
  return (offer?.modes ?? []).map((mode) => {
    const hosting = (endpoint?.hostingProblems ?? []).filter((h) => h.mode === mode.mode).map((h) => h.problem);
    return { ...mode, problems: [...mode.problems, ...hosting], slaProblems: mode.problems, hostingProblems: hosting };
  });
}

/**
 * The mode the dialog starts on for a target and environment: the one the endpoint there serves in now when the SLA
 * still fits it, else the first mode that fits (real time first), else the first the target offers.
 */
export function defaultModeFor(
  view: ServingModes | undefined,
  target: DeploymentTargetKind,
  environment: DeploymentEnvironment,
): ServingMode | null {
  const offer = view?.targets.find((entry) => entry.target === target);
  const modes = modesAt(view, target, environment);
  if (!offer || modes.length === 0) return null;
  const fits = modes.filter((mode) => mode.problems.length === 0);
  const current = offer.endpoints.find((endpoint) => endpoint.environment === environment)?.mode;
  return fits.find((mode) => mode.mode === current)?.mode ?? fits[0]?.mode ?? modes[0]?.mode ?? null;
}

/** Whether the modes are known and none of the target's fits the version's SLA (the dialog then cannot submit). */
export function noModeFits(
  view: ServingModes | undefined,
  target: DeploymentTargetKind,
  environment: DeploymentEnvironment,
): boolean {
  const offered = view?.targets.some((entry) => entry.target === target) ?? false;
  return offered && modesAt(view, target, environment).every((mode) => mode.problems.length > 0);
}
