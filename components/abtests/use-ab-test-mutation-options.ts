"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";

/** What every A/B test mutation does on success: refresh the tests (list and page) it changed. */
export function useRefreshAbTests() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => void queryClient.invalidateQueries({ queryKey: trpc.abTests.pathKey() });
}
