import type { z } from "zod";
import { conflict, isUniqueViolation, notFound } from "@/server/errors";
import { owningTeamId } from "@/server/services/owning-team";
import { recordAudit } from "@/server/services/audit/record-audit";
import type { ReadContext, ServiceContext } from "@/server/services/context";
import { parseInput } from "@/server/services/parse-input";
import {
  createFeatureGroupInput,
  featureGroupNameInput,
  type FeatureGroupView,
} from "@/server/services/features/schemas";

/** Creates a team's feature group (audited in the same transaction); its name is unique across the portal. */
export async function createFeatureGroup(
  ctx: ServiceContext,
  rawInput: z.input<typeof createFeatureGroupInput>,
): Promise<FeatureGroupView> {
  const input = parseInput(createFeatureGroupInput, rawInput);
  const teamId = await owningTeamId(ctx, input.team, "feature group");
  const created = await ctx.db
    .$transaction(async (tx) => {
      const group = await tx.featureGroup.create({
        data: {
          name: input.name,
          teamId,
          description: input.description,
          entityKey: input.entityKey,
          features: input.features,
          createdById: ctx.actor.userId,
        },
        include: { team: { select: { name: true } } },
      });
      await recordAudit(tx, ctx.actor, {
        action: "feature-group.create",
        entityType: "FeatureGroup",
        entityId: group.id,
        after: { name: group.name, entityKey: group.entityKey, features: group.features },
      });
      return group;
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw conflict(`A feature group named "${input.name}" exists already`);
      throw error;
    });
  return { ...viewOf(created), entities: 0, pendingMirror: 0 };
}

type GroupRow = {
  name: string;
  description: string;
  entityKey: string;
  features: string[];
  createdAt: Date;
  teamId: string;
  team: { name: string };
};

const viewOf = (group: GroupRow) => ({
  name: group.name,
  team: group.team.name,
  teamId: group.teamId,
  description: group.description,
  entityKey: group.entityKey,
  features: group.features,
  createdAt: group.createdAt,
});

/** Every feature group with its entity count and how many wait to be mirrored into Redis. */
export async function listFeatureGroups(ctx: ReadContext): Promise<{ groups: FeatureGroupView[] }> {
  const [groups, counts] = await Promise.all([
    ctx.db.featureGroup.findMany({ orderBy: { name: "asc" }, include: { team: { select: { name: true } } } }),
    ctx.db.featureValue.groupBy({ by: ["groupName", "hotSynced"], _count: { _all: true } }),
  ]);
  const count = (name: string, synced?: boolean) =>
    counts
      .filter((c) => c.groupName === name && (synced === undefined || c.hotSynced === synced))
      .reduce((sum, c) => sum + c._count._all, 0);
  return {
    groups: groups.map((g) => ({ ...viewOf(g), entities: count(g.name), pendingMirror: count(g.name, false) })),
  };
}

export async function getFeatureGroup(ctx: ReadContext, rawInput: z.input<typeof featureGroupNameInput>) {
  const { group: name } = parseInput(featureGroupNameInput, rawInput);
  const group = await ctx.db.featureGroup.findUnique({ where: { name } });
  if (!group) throw notFound(`Feature group "${name}"`);
  return group;
}
