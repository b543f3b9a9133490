import type { AuditEntityRef } from "@/contracts/audit-entities";

const model = (name: string) => `/models/${encodeURIComponent(name)}`;

/** Where an audited entity lives in the portal (null: it has no page), and how to name it. */
export function auditEntityLink(ref: AuditEntityRef): { href: string | null; label: string } {
  switch (ref.kind) {
    case "model":
      return { href: model(ref.name), label: ref.name };
    case "version":
      return { href: `${model(ref.modelName)}/versions/${ref.version}`, label: `${ref.modelName} v${ref.version}` };
    case "alias":
      return { href: model(ref.modelName), label: `${ref.modelName}@${ref.alias}` };
    case "experiment":
      return { href: `/experiments/${encodeURIComponent(ref.id)}`, label: ref.name };
    case "run":
      return {
        href: `/experiments/${encodeURIComponent(ref.experimentId)}/runs/${encodeURIComponent(ref.id)}`,
        label: ref.name,
      };
    case "user":
      return { href: `/admin/users?${new URLSearchParams({ q: ref.email })}`, label: ref.name };
    case "token":
      return { href: null, label: `${ref.name} (${ref.prefix}…)` };
  }
}
