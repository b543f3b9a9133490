"use client";

import { useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";
import {
  applyModelListChange,
  parseModelListParams,
  serializeModelListParams,
  type ModelListParams,
} from "./model-list-params";

/**
 * The list's state lives in the URL. Writes use the History API, which Next.js mirrors into
 * useSearchParams without a server round trip; typing replaces the entry, other changes push one.
 */
export function useModelListParams() {
  const searchParams = useSearchParams();
  const params = useMemo(() => parseModelListParams(new URLSearchParams(searchParams.toString())), [searchParams]);

  const update = useCallback((change: Partial<ModelListParams>, mode: "push" | "replace" = "push") => {
    const current = parseModelListParams(new URLSearchParams(window.location.search));
    const query = serializeModelListParams(applyModelListChange(current, change)).toString();
    const url = `${window.location.pathname}${query ? `?${query}` : ""}`;
    if (mode === "push") window.history.pushState(null, "", url);
    else window.history.replaceState(null, "", url);
  }, []);

  return { params, update };
}
