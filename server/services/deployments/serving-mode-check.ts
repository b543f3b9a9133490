import type { GateResult } from "@/contracts/deployments";
import type { DeploymentEnvironment, DeploymentTargetKind, ModelFormat } from "@/contracts/enums";
import { SERVING_MODE_LABELS, type ServingMode } from "@/contracts/serving-modes";
import { componentHostingSchema } from "@/contracts/component-hosting";
import type { Prisma } from "@/server/db/generated/client";
import { AppError } from "@/server/errors";
import type { AsyncInferenceSettings, ServiceSettings } from "@/server/services/context";
import { modeName, modesOf, slaProblems, TARGET_NAMES } from "@/server/services/deployments/serving-modes";
import { describeSla } from "@/lib/format-sla";
import { readSla } from "@/server/services/registry/version-sla";

/** The mode an endpoint serves in now: only SageMaker switches (its AsyncInferenceConfig); the others answer in real time. */
export function currentModeOf(endpoint: { asyncServing: unknown } | null): ServingMode {
  return endpoint && endpoint.asyncServing !== null ? "ASYNC" : "REALTIME";
}

export type ModeRequest = {
  modelId: string;
  environment: DeploymentEnvironment;
  target: DeploymentTargetKind;
  version: { version: number; format: ModelFormat; sla: unknown };
  /** null: the endpoint keeps its mode. */
  servingMode: ServingMode | null;
};

/** Why a version cannot be served in a mode on a target: the mode is not offered, or its SLA exceeds the limits. */
export type ModeMismatch = { message: string; details: { servingMode: ServingMode; problems: string[] } };

/** Whether the version's declared SLA fits `mode` on `target` (null) or why not, in words a person acts on. */
export function modeMismatch(
  target: DeploymentTargetKind,
  version: ModeRequest["version"],
  mode: ServingMode,
  /** The portal's asynchronous ceilings (ASYNC_*); absent: their defaults. */
  async: AsyncInferenceSettings | undefined,
): ModeMismatch | null {
  const offered = modesOf(target, version.format, async);
  const chosen = offered.find((offer) => offer.mode === mode);
  const label = (offer: ServingMode) => SERVING_MODE_LABELS[offer].toLowerCase();
  if (!chosen) {
    const names = offered.map((offer) => label(offer.mode)).join(" or ");
    return {
      message: `${TARGET_NAMES[target]} serves ${names} here, not ${label(mode)}`,
      details: { servingMode: mode, problems: [`not offered by ${target}`] },
    };
  }
  const sla = readSla(version.sla);
  const problems = slaProblems(sla, chosen.limits);
  if (problems.length === 0) return null;
  const fitting = offered.filter((offer) => offer.mode !== mode && slaProblems(sla, offer.limits).length === 0);
  const instead = fitting.length > 0 ? ` (${fitting.map((offer) => label(offer.mode)).join(" or ")} fits it)` : "";
  return {
    message: `Version ${version.version}'s SLA does not fit ${modeName(mode, target)}: ${problems.join("; ")}${instead}`,
    details: { servingMode: mode, problems },
  };
}

/**
 * What an endpoint hosting inference components adds: they answer in real time only, and one that scales to zero
 * makes a request to a sleeping version wait while a copy starts, so it promises no p99 latency.
 */
export function hostingMismatch(
  hosting: unknown,
  version: ModeRequest["version"],
  mode: ServingMode,
): ModeMismatch | null {
  if (hosting === null) return null;
  if (mode === "ASYNC")
    return {
      message: "This SageMaker endpoint hosts inference components, which answer in real time only",
      details: { servingMode: mode, problems: ["inference components answer in real time"] },
    };
  const scalesToZero = componentHostingSchema.safeParse(hosting).data?.scaleToZero;
  const latency = readSla(version.sla)?.latencyP99Ms;
  if (!scalesToZero || latency === undefined) return null;
  const problem = `the endpoint scales to zero, so a request may wait for a copy to start; the SLA needs p99 ≤ ${latency} ms`;
  return {
    message: `Version ${version.version}'s SLA does not fit this SageMaker endpoint: ${problem}`,
    details: { servingMode: mode, problems: [problem] },
  };
}

/**
 * Checks, before anything is written, that the target offers the promotion's mode (the endpoint's own when it names
 * none) and that the version's declared SLA fits its limits (422 naming each limit it exceeds). Returns the gate the
 * promotion records (null without an SLA).
 */
export async function checkServingMode(
  tx: Prisma.TransactionClient,
  settings: Pick<ServiceSettings, "asyncInference">,
  request: ModeRequest,
): Promise<GateResult | null> {
  const { target, version } = request;
  const endpoint = await tx.endpoint.findUnique({
    where: {
      modelId_environment_target: { modelId: request.modelId, environment: request.environment, target },
    },
    select: { asyncServing: true, componentHosting: true },
  });
  const mode = request.servingMode ?? currentModeOf(endpoint);
  const mismatch =
    modeMismatch(target, version, mode, settings.asyncInference) ??
    hostingMismatch(endpoint?.componentHosting ?? null, version, mode);
  if (mismatch) throw new AppError("UNPROCESSABLE", mismatch.message, mismatch.details);
  const sla = readSla(version.sla);
  if (!sla) return null;
  return { gate: "serving-sla", passed: true, detail: `SLA (${describeSla(sla)}) fits ${modeName(mode, target)}` };
}
