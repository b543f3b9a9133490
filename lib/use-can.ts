"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { isOwningTeamMember } from "@/contracts/ownership";
import type { Permission } from "@/contracts/permissions";

function useMe() {
  const trpc = useTRPC();
  return useQuery(trpc.session.me.queryOptions(undefined, { staleTime: 5 * 60_000 }));
}

/** Whether the signed-in person may do something; only for hiding controls, the server decides. */
export function useCan(permission: Permission): boolean {
  const me = useMe();
  return me.data?.permissions.includes(permission) ?? false;
}

/** The team owning what a control would change, by id or by (unique) name; undefined while it loads. */
export type OwningTeam = { teamId: string } | { teamName: string } | undefined;

/**
 * Whether the signed-in person may do something to what `owner` owns: the permission and membership of the owning
 * team (admins: any team). Only for hiding controls; the server decides (server/auth/ownership.ts).
 */
export function useCanChange(permission: Permission, owner: OwningTeam): boolean {
  const me = useMe();
  if (!me.data || !owner || !me.data.permissions.includes(permission)) return false;
  const [mine, theirs] = "teamId" in owner ? [me.data.teamId, owner.teamId] : [me.data.team, owner.teamName];
  return isOwningTeamMember({ role: me.data.role, teamId: mine }, theirs);
}
