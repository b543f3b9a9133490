"use client";

import { useCallback, useState } from "react";
import type { FieldErrors } from "@/components/registry/field-errors";

/** Field errors from the last submit; editing a field clears its message. */
export function useClientErrors() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const clear = useCallback(
    (field: string) => setErrors((current) => (current[field] ? { ...current, [field]: undefined } : current)),
    [],
  );
  return { errors, setErrors, clear };
}
