import type { GateResult } from "@/contracts/deployments";
import type { DeploymentEnvironment, DeploymentTargetKind, ModelFormat } from "@/contracts/enums";
import { SERVING_MODE_LABELS, type ServingMode } from "@/contracts/serving-modes";
import type { Prisma } from "@/server/db/generated/client";
import { AppError } from "@/server/errors";
import { DEFAULT_ASYNC_SETTINGS } from "@/server/services/async-inference/payload";
import type { ServiceSettings } from "@/server/services/context";
import { modeName, modesOf, slaProblems } from "@/server/services/deployments/serving-modes";
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

/**
 * Checks, before anything is written, that the target offers the promotion's mode and that the version's declared SLA
 * fits its limits (422 naming each limit it exceeds). Returns the gate the promotion records (null without an SLA).
 */
export async function checkServingMode(
  tx: Prisma.TransactionClient,
  settings: Pick<ServiceSettings, "asyncInference">,
  request: ModeRequest,
): Promise<GateResult | null> {
  const { target, version } = request;
  const offered = modesOf(target, version.format, settings.asyncInference ?? DEFAULT_ASYNC_SETTINGS);
  const endpoint = await tx.endpoint.findUnique({
    where: {
      modelId_environment_target: { modelId: request.modelId, environment: request.environment, target },
    },
    select: { asyncServing: true },
  });
  const mode = request.servingMode ?? currentModeOf(endpoint);
  const chosen = offered.find((offer) => offer.mode === mode);
  if (!chosen)
    throw new AppError(
      "UNPROCESSABLE",
      `${target} serves ${offered.map((offer) => SERVING_MODE_LABELS[offer.mode].toLowerCase()).join(" or ")} here, not ${SERVING_MODE_LABELS[mode].toLowerCase()}`,
      { servingMode: mode, offered: offered.map((offer) => offer.mode) },
    );
  const sla = readSla(version.sla);
  const problems = slaProblems(sla, chosen.limits);
  if (problems.length > 0)
    throw new AppError(
      "UNPROCESSABLE",
      `Version ${version.version}'s SLA does not fit ${modeName(mode, target)}: ${problems.join("; ")}`,
      { servingMode: mode, problems },
    );
  if (!sla) return null;
  return { gate: "serving-sla", passed: true, detail: `SLA (${describeSla(sla)}) fits ${modeName(mode, target)}` };
}
