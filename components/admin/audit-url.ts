import type { RouterInputs } from "@/trpc/react";

export const AUDIT_FILTER_KEYS = ["action", "entityType", "entityId", "actor", "from", "to"] as const;
export type AuditFilterKey = (typeof AUDIT_FILTER_KEYS)[number];

export type AuditUrlState = Partial<Record<AuditFilterKey | "before" | "after", string>>;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const CURSOR = /^\d{1,19}$/;

/** Reads the audit page's filters and cursor from the query string, dropping malformed values. */
export function auditStateFromParams(params: URLSearchParams): AuditUrlState {
  const state: AuditUrlState = {};
  for (const key of AUDIT_FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (!value) continue;
    if ((key === "from" || key === "to") && !localDay(value)) continue;
    state[key] = value;
  }
  const before = params.get("before");
  const after = params.get("after");
  if (before && CURSOR.test(before)) state.before = before;
  else if (after && CURSOR.test(after)) state.after = after;
  return state;
}

/** Writes the audit page's state back; a newer-page cursor wins over an older-page one, as when reading. */
export function serializeAuditState(state: AuditUrlState): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of AUDIT_FILTER_KEYS) {
    const value = state[key];
    if (value) params.set(key, value);
  }
  if (state.before) params.set("before", state.before);
  else if (state.after) params.set("after", state.after);
  return params;
}

/** A YYYY-MM-DD day as local midnight, or null when it is not a real date. */
export function localDay(value: string, offsetDays = 0): Date | null {
  const match = DAY.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day + offsetDays);
  const check = new Date(year, month - 1, day);
  return check.getFullYear() === year && check.getMonth() === month - 1 && check.getDate() === day ? date : null;
}

/** The tRPC input: `to` is inclusive in the URL, so the range ends at the start of the following day. */
export function auditQueryInput(state: AuditUrlState, pageSize: number): RouterInputs["admin"]["audit"] {
  return {
    action: state.action,
    entityType: state.entityType,
    entityId: state.entityId,
    actorId: state.actor,
    from: state.from ? (localDay(state.from) ?? undefined) : undefined,
    to: state.to ? (localDay(state.to, 1) ?? undefined) : undefined,
    before: state.before,
    after: state.after,
    pageSize,
  };
}

export function hasFilters(state: AuditUrlState): boolean {
  return AUDIT_FILTER_KEYS.some((key) => state[key] !== undefined);
}
