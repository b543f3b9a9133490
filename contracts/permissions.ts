import type { Role } from "@/contracts/enums";

export const ROLE_LABELS: Record<Role, string> = {
  VIEWER: "Viewer",
  DATA_SCIENTIST: "Data scientist",
  REVIEWER: "Reviewer",
  MANAGER: "Manager",
  ADMIN: "Admin",
};

/** Everything a person or token can be allowed to do. Checked on the server only (server/auth/roles.ts). */
export const PERMISSIONS = {
  read: ["VIEWER", "DATA_SCIENTIST", "REVIEWER", "MANAGER", "ADMIN"],
  "experiments:write": ["DATA_SCIENTIST", "ADMIN"],
  "models:write": ["DATA_SCIENTIST", "ADMIN"],
  "promotions:approve": ["REVIEWER", "MANAGER", "ADMIN"],
  /** Ending a stuck deployment by hand: the endpoint is left as it is, so only admins may. */
  "deployments:cancel": ["ADMIN"],
  /** Emergency rollback of an endpoint: one click for the owning team's data scientists and its managers. */
  "deployments:rollback": ["DATA_SCIENTIST", "MANAGER", "ADMIN"],
  /** Marking an alias protected (it then moves only through promotions and rollbacks), or unmarking it. */
  "aliases:protect": ["ADMIN"],
  "tokens:own": ["VIEWER", "DATA_SCIENTIST", "REVIEWER", "MANAGER", "ADMIN"],
  "audit:read": ["MANAGER", "ADMIN"],
  "users:manage": ["ADMIN"],
  /** Listing and revoking anyone's API tokens (their own tokens need only tokens:own). */
  "tokens:manage": ["ADMIN"],
  "pricing:manage": ["ADMIN"],
  "budgets:manage": ["MANAGER", "ADMIN"],
  "alerts:manage": ["MANAGER", "ADMIN"],
  /** Sending ground truth (outcomes of an endpoint's predictions) through the API: the owning team's people. */
  "feedback:write": ["DATA_SCIENTIST", "MANAGER", "ADMIN"],
  /** Invoking the owning team's endpoints through the portal (asynchronous inference) and reading the results. */
  "endpoints:invoke": ["DATA_SCIENTIST", "MANAGER", "ADMIN"],
  /** Labelling sampled predictions in a model's label queues (blind: one's own label before anyone else's). */
  "labels:annotate": ["DATA_SCIENTIST", "REVIEWER", "ADMIN"],
  /** Accepting, fixing, rejecting and adjudicating others' labels (never on an item one labelled). */
  "labels:review": ["REVIEWER", "ADMIN"],
  /** Creating label queues and changing their schema, overlap, budget and sampling. */
  "labels:manage": ["DATA_SCIENTIST", "ADMIN"],
  /** Setting up, starting, stopping and deciding A/B tests on the owning team's endpoints. */
  "abtests:manage": ["DATA_SCIENTIST", "ADMIN"],
  /** Creating the team's feature groups and writing their values (feature pipelines, with a token). */
  "features:write": ["DATA_SCIENTIST", "ADMIN"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;
