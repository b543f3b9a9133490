import type { Role } from "@/contracts/enums";

/**
 * Team ownership: the one policy deciding whether someone may change a team-owned thing. The server applies it to
 * every mutation (server/auth/ownership.ts resolves the owner, the tRPC tiers and the REST layer call it before any
 * service writes); the browser uses the same function only to hide buttons.
 *
 * - Reading stays open to every signed-in role. Changing needs the role's permission (contracts/permissions.ts) AND
 *   this decision.
 * - What is owned, and by whom: a model belongs to its team; its versions, aliases, drift thresholds, endpoints (and
 *   their SLOs, predictions, drift scans), promotions and deployments (and rollbacks) belong to the model's team. An
 *   experiment belongs to its team; its runs (and their params, metrics, artifacts) to the experiment's team. A
 *   team's budget and alerts belong to that team.
 * - Admins may change anything. Everyone else must be a member of the owning team. Someone in no team may change
 *   nothing team-owned.
 * - A new model or experiment belongs to the team it names, which must be the creator's own (admins may name any),
 *   or else to the creator's team. Creating one while in no team and naming none is for admins only.
 * - Legacy experiments created before teams owned them (no team) may be changed only by their creator or an admin.
 * - Approving a promotion needs the `promotions:approve` permission (reviewers, managers) and membership of the
 *   model's team: a second person of the owning team (the service refuses the requester) or a manager of it; admins
 *   any team's.
 * - Emergency rollback (`deployments:rollback`): the owning team's data scientists and managers, one click, with a
 *   required reason; admins any.
 * - Budgets (`budgets:manage`): managers of the budget's team; admins any team's.
 * - API tokens act with their owner's role and the team the owner belongs to at the moment of each request.
 * - Protected aliases (`production`, plus those an admin marks) move only through an approved promotion or an audited
 *   rollback, never by a direct alias change, whoever asks.
 */

/** Aliases that are always protected; admins may protect more (the ProtectedAlias table). */
export const ALWAYS_PROTECTED_ALIASES = ["production"] as const;

/** Who acts, as far as ownership is concerned. */
export type OwnershipActor = { userId: string; role: Role; teamId: string | null };

/** What owns the thing being changed. `what` names it in refusals ("model fraud-gbm"). */
export type Owner =
  | { kind: "team"; teamId: string; teamName: string; what: string }
  /** An experiment from before teams owned experiments: its creator's. */
  | { kind: "legacy"; createdById: string; what: string }
  /** Something to be created with no team (the creator is in none and named none). */
  | { kind: "unowned"; what: string };

export type ChangeDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: ChangeDecision = { allowed: true };

/** Whether `actor` may change what `owner` owns (the role's permission is checked separately). */
export function decideChange(actor: OwnershipActor, owner: Owner): ChangeDecision {
  if (actor.role === "ADMIN") return ALLOWED;
  switch (owner.kind) {
    case "team":
      if (actor.teamId === owner.teamId) return ALLOWED;
      return {
        allowed: false,
        reason: actor.teamId
          ? `${owner.what} belongs to team "${owner.teamName}": only its members (or an admin) may change it`
          : `You belong to no team, so you may not change ${owner.what} (owned by team "${owner.teamName}")`,
      };
    case "legacy":
      if (actor.userId === owner.createdById) return ALLOWED;
      return {
        allowed: false,
        reason: `${owner.what} belongs to no team: only its creator (or an admin) may change it`,
      };
    case "unowned":
      return {
        allowed: false,
        reason: `${owner.what} would belong to no team${actor.teamId ? "" : " (you are in none)"}: only an admin may do this`,
      };
  }
}

/** For the UI: whether the viewer may change something owned by the team `ownerTeamId` (role checked separately). */
export function isOwningTeamMember(viewer: { role: Role; teamId: string | null }, ownerTeamId: string): boolean {
  return viewer.role === "ADMIN" || (viewer.teamId !== null && viewer.teamId === ownerTeamId);
}
