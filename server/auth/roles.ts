import type { Role } from "../db/generated/enums";

/** Roles in increasing order of privilege; a role may do everything the ones before it may. */
export const ROLE_ORDER = ["VIEWER", "DATA_SCIENTIST", "REVIEWER", "MANAGER", "ADMIN"] as const satisfies readonly Role[];

export const ROLE_LABELS: Record<Role, string> = {
  VIEWER: "Viewer",
  DATA_SCIENTIST: "Data scientist",
  REVIEWER: "Reviewer",
  MANAGER: "Manager",
  ADMIN: "Admin",
};

export function hasRole(actual: Role, required: Role): boolean {
  return ROLE_ORDER.indexOf(actual) >= ROLE_ORDER.indexOf(required);
}
