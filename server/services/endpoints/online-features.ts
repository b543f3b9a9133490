import type { z } from "zod";
import { setOnlineFeaturesInput, type OnlineFeatures } from "@/contracts/online-features";
import { AppError, notFound } from "@/server/errors";
import { LocalRuntimeError } from "@/server/integrations/local-runtime/runtime-control-client";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import { Prisma } from "@/server/db/generated/client";
import type { OnlineFeaturesSetting } from "@/server/services/endpoints/schemas";

const unprocessable = (message: string) => new AppError("UNPROCESSABLE", message);

/**
 * A lookup may read only a group of the endpoint's own team (a team's features are its data) and only features the
 * group stores.
 */
async function checkLookup(tx: Prisma.TransactionClient, onlineFeatures: OnlineFeatures, teamId: string) {
  const lookup = onlineFeatures.lookup;
  if (!lookup) return;
  const group = await tx.featureGroup.findUnique({
    where: { name: lookup.featureGroup },
    include: { team: { select: { name: true } } },
  });
  if (!group) throw unprocessable(`There is no feature group "${lookup.featureGroup}"`);
  if (group.teamId !== teamId)
    throw unprocessable(`Feature group "${group.name}" belongs to team ${group.team.name}, not the endpoint's team`);
  const unknown = lookup.storedFeatures.filter((name) => !group.features.includes(name));
  if (unknown.length > 0)
    throw unprocessable(
      `Feature group "${group.name}" has no feature ${unknown.map((n) => `"${n}"`).join(", ")} (it has ${group.features.join(", ")})`,
    );
}

/**
 * Sets (or removes) an endpoint's online features — a feature lookup before the model and/or a rule-based fallback —
 * checked and audited in one transaction, then tells the runtime, which changes them in place. PostgreSQL is the
 * source of truth: every deployment and rollback of the endpoint carries them.
 */
export async function setOnlineFeatures(
  ctx: ServiceContext,
  rawInput: z.input<typeof setOnlineFeaturesInput>,
): Promise<OnlineFeaturesSetting> {
  const input = parseInput(setOnlineFeaturesInput, rawInput);
  const saved = await ctx.db.$transaction(async (tx) => {
    // Serialised with other changes of this endpoint's setting: the audit's "before" is what this change replaced.
    await tx.$executeRaw`SELECT 1 FROM "Endpoint" WHERE id = ${input.endpointId} FOR UPDATE`;
    const endpoint = await tx.endpoint.findUnique({
      where: { id: input.endpointId },
      include: { model: { select: { teamId: true } } },
    });
    if (!endpoint) throw notFound("Endpoint");
    if (endpoint.target !== "LOCAL")
      throw unprocessable(`Online features are served by the local runtime; ${endpoint.name} is on ${endpoint.target}`);
    if (input.onlineFeatures) await checkLookup(tx, input.onlineFeatures, endpoint.model.teamId);
    await tx.endpoint.update({
      where: { id: endpoint.id },
      data: { onlineFeatures: input.onlineFeatures ?? Prisma.DbNull },
    });
    await recordAudit(tx, ctx.actor, {
      action: "endpoint.online-features",
      entityType: "Endpoint",
      entityId: endpoint.id,
      before: { onlineFeatures: endpoint.onlineFeatures },
      after: { onlineFeatures: input.onlineFeatures },
    });
    return endpoint;
  });
  return {
    endpointId: saved.id,
    onlineFeatures: input.onlineFeatures,
    runtime: await applyToRuntime(ctx, saved.id, saved.name),
  };
}

const storedSetting = async (ctx: ServiceContext, endpointId: string) =>
  (await ctx.db.endpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { onlineFeatures: true } }))
    .onlineFeatures as OnlineFeatures | null;

/**
 * Tells the runtime the setting PostgreSQL holds now, again while it changed meanwhile: two changes at once may reach
 * the runtime in either order, and the last one told is always the one committed last.
 */
async function applyToRuntime(ctx: ServiceContext, endpointId: string, name: string) {
  let setting = await storedSetting(ctx, endpointId);
  for (;;) {
    const outcome = await putToRuntime(ctx, name, setting);
    const now = await storedSetting(ctx, endpointId);
    if (outcome !== "applied" || JSON.stringify(now) === JSON.stringify(setting)) return outcome;
    setting = now;
  }
}

async function putToRuntime(ctx: ServiceContext, name: string, onlineFeatures: OnlineFeatures | null) {
  try {
    return (await ctx.runtime.control().putOnlineFeatures(name, onlineFeatures)) ? "applied" : "not-serving";
  } catch (error) {
    if (error instanceof LocalRuntimeError) return "unreachable";
    throw error;
  }
}
