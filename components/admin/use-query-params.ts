"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";

export type QueryPatch = Record<string, string | undefined>;

/**
 * The query string as shareable page state. Writes use the History API, which Next.js mirrors
 * into useSearchParams without a server round trip.
 */
export function useQueryParams() {
  const searchParams = useSearchParams();
  const setParams = useCallback((patch: QueryPatch, mode: "push" | "replace" = "push") => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined || value === "") next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
    if (mode === "push") window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  }, []);
  return [searchParams, setParams] as const;
}
