import { PERMISSIONS, type Permission } from "@/contracts/permissions";
import type { Role } from "@/server/db/generated/enums";

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
