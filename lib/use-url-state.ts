"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useState } from "react";
import { reuseEqualFields, toSearch } from "@/lib/url-state";

export type HistoryMode = "push" | "replace";

export type UrlStateUpdate<T> = (patch: Partial<T> | ((current: T) => Partial<T>), mode?: HistoryMode) => void;

function currentParams(): URLSearchParams {
  return new URLSearchParams(window.location.search);
}

/**
 * Typed page state kept in the query string, so a view can be shared as a link. Writes go through
 * the History API, which Next.js keeps in sync with useSearchParams without a server round trip,
 * and are applied locally at once so controls never lag behind the URL. Field values keep their
 * identity while equal, so consumers can memoise on individual fields. `parse` and `serialize`
 * must be stable (module-level) functions.
 */
export function useUrlState<T extends Record<string, unknown>>(
  parse: (params: URLSearchParams) => T,
  serialize: (state: T) => URLSearchParams,
) {
  const searchParams = useSearchParams();
  const [seenParams, setSeenParams] = useState(searchParams);
  const [state, setState] = useState(() => parse(new URLSearchParams(searchParams.toString())));
  if (searchParams !== seenParams) {
    setSeenParams(searchParams);
    const next = reuseEqualFields(state, parse(new URLSearchParams(searchParams.toString())));
    if (next !== state) setState(next);
  }

  const update: UrlStateUpdate<T> = useCallback(
    (patch, mode = "push") => {
      const current = parse(currentParams());
      const changes = typeof patch === "function" ? patch(current) : patch;
      const params = serialize({ ...current, ...changes });
      setState((previous) => reuseEqualFields(previous, parse(params)));
      const url = `${window.location.pathname}${toSearch(params)}`;
      if (mode === "push") window.history.pushState(null, "", url);
      else window.history.replaceState(null, "", url);
    },
    [parse, serialize],
  );

  return [state, update] as const;
}
