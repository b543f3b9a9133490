"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";

/**
 * One shareable piece of page state in the query string (empty removes it). Uses the History API,
 * which Next.js mirrors into useSearchParams without a server round trip.
 */
export function useQueryParams<K extends string>(keys: readonly K[]) {
  const searchParams = useSearchParams();
  const values = Object.fromEntries(keys.map((key) => [key, searchParams.get(key) ?? ""])) as Record<K, string>;
  const update = useCallback((changes: Partial<Record<K, string>>) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (typeof value === "string" && value !== "") next.set(key, value);
      else next.delete(key);
    }
    const query = next.toString();
    window.history.replaceState(null, "", `${window.location.pathname}${query ? `?${query}` : ""}`);
  }, []);
  return [values, update] as const;
}
