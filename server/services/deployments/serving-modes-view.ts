import type { z } from "zod";
import { DEPLOYMENT_TARGET_KINDS } from "@/contracts/enums";
import { notFound } from "@/server/errors";
import type { ServiceContext } from "@/server/services/context";
import { SERVING_MODES } from "@/contracts/serving-modes";
import { currentModeOf, hostingMismatch } from "@/server/services/deployments/serving-mode-check";
import { modesOf, slaProblems } from "@/server/services/deployments/serving-modes";
import { servingModesInput, type ServingModesView } from "@/server/services/deployments/schemas";
import { parseInput } from "@/server/services/parse-input";
import { readSla } from "@/server/services/registry/version-sla";

/**
 * What the promote dialog offers a version: for every target its modes, their limits, why the version's SLA does not
 * fit each (empty when it does), and the mode each of the model's endpoints there serves in now. The same check
 * refuses a promotion on the server.
 */
export async function servingModesOfVersion(
  ctx: Pick<ServiceContext, "db" | "settings">,
  rawInput: z.input<typeof servingModesInput>,
): Promise<ServingModesView> {
  const input = parseInput(servingModesInput, rawInput);
  const version = await ctx.db.modelVersion.findFirst({
    where: { version: input.version, model: { name: input.modelName } },
    select: { version: true, format: true, sla: true, modelId: true },
  });
  if (!version) throw notFound(`Version ${input.version} of model "${input.modelName}"`);
  const endpoints = await ctx.db.endpoint.findMany({
    where: { modelId: version.modelId },
    orderBy: { environment: "asc" },
    select: { name: true, environment: true, target: true, asyncServing: true, componentHosting: true },
  });
  const sla = readSla(version.sla);
  return {
    sla,
    targets: DEPLOYMENT_TARGET_KINDS.map((target) => ({
      target,
      modes: modesOf(target, version.format, ctx.settings.asyncInference).map(({ mode, limits }) => ({
        mode,
        limits,
        problems: slaProblems(sla, limits),
      })),
      endpoints: endpoints
        .filter((endpoint) => endpoint.target === target)
        .map((endpoint) => ({
          name: endpoint.name,
          environment: endpoint.environment,
          mode: currentModeOf(endpoint),
          hostingProblems: SERVING_MODES.flatMap((mode) =>
            (hostingMismatch(endpoint.componentHosting, version, mode)?.details.problems ?? []).map((problem) => ({
              mode,
              problem,
            })),
          ),
        })),
    })),
  };
}
