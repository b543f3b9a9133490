import type { DeploymentEnvironment, DeploymentTargetKind } from "@/contracts/enums";
import type { ServingMode } from "@/contracts/serving-modes";
import type { RouterOutputs } from "@/trpc/react";

export type ServingModes = RouterOutputs["deployments"]["servingModes"];
export type TargetModes = ServingModes["targets"][number];
export type ModeLimits = TargetModes["modes"][number]["limits"];

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
  if (!offer || offer.modes.length === 0) return null;
  const fits = offer.modes.filter((mode) => mode.problems.length === 0);
  const current = offer.endpoints.find((endpoint) => endpoint.environment === environment)?.mode;
  return fits.find((mode) => mode.mode === current)?.mode ?? fits[0]?.mode ?? offer.modes[0]?.mode ?? null;
}

/** Whether the modes are known and none of the target's fits the version's SLA (the dialog then cannot submit). */
export function noModeFits(view: ServingModes | undefined, target: DeploymentTargetKind): boolean {
  const offer = view?.targets.find((entry) => entry.target === target);
  return offer !== undefined && offer.modes.every((mode) => mode.problems.length > 0);
}
