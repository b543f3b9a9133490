"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc";

/** Hides write controls from people who may not use them; the server enforces it regardless. */
export function useCanWriteModels(): boolean {
  const trpc = useTRPC();
  const me = useQuery(trpc.session.me.queryOptions(undefined, { staleTime: 5 * 60_000 }));
  return me.data?.permissions.includes("models:write") ?? false;
}
