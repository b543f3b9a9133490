"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import type { Permission } from "@/contracts/permissions";

/** Whether the signed-in person may do something; only for hiding controls, the server decides. */
export function useCan(permission: Permission): boolean {
  const trpc = useTRPC();
  const me = useQuery(trpc.session.me.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  return me.data?.permissions.includes(permission) ?? false;
}
