import { isDeepStrictEqual } from "node:util";

/*
 * Server-side apply's field ownership, as the fake API server models it. The applied configuration is cut into leaf
 * fields (paths to values; lists count as one atomic field, where the real server merges some lists by key). Each
 * field manager owns the fields it last applied. A manager that applies a different value to a field another manager
 * owns gets a conflict unless it forces, which takes the field over. Fields a manager stops applying are removed
 * unless another manager still owns them. Fields nobody owns (defaults, objects created another way) are left alone.
 */

type Leaf = { path: string[]; value: unknown };
export type Leaves = Map<string, Leaf>;
export type Owners = Map<string, Set<string>>;
export type Conflict = { manager: string; path: string[] };

export type ApplyResult =
  { ok: true; fields: Record<string, unknown>; owners: Owners } | { ok: false; conflicts: Conflict[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function collect(value: unknown, path: string[], into: Leaves) {
  if (value === undefined) return;
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) collect(child, [...path, key], into);
    return;
  }
  into.set(JSON.stringify(path), { path, value });
}

/** The fields apply manages: labels, annotations and spec (status is a subresource and ignored by apply). */
export function leavesOf(fields: Record<string, unknown>): Leaves {
  const leaves: Leaves = new Map();
  collect(fields, [], leaves);
  return leaves;
}

function build(leaves: Iterable<Leaf>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, value } of leaves) {
    let node = root;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      node = isPlainObject(next) ? next : (node[key] = {});
    }
    const last = path.at(-1);
    if (last !== undefined) node[last] = structuredClone(value);
  }
  return root;
}

const isPrefix = (prefix: string[], path: string[]) =>
  prefix.length < path.length && prefix.every((key, index) => path[index] === key);

function conflictsOf(current: Leaves, applied: Leaves, owners: Owners, manager: string): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const [key, leaf] of applied) {
    for (const [other, owned] of owners) {
      if (other !== manager && owned.has(key) && !isDeepStrictEqual(current.get(key)?.value, leaf.value))
        conflicts.push({ manager: other, path: leaf.path });
    }
  }
  return conflicts;
}

function ownedByOthers(owners: Owners, manager: string, key: string): boolean {
  return [...owners].some(([other, owned]) => other !== manager && owned.has(key));
}

/** Merges `applied` by `manager` into the object's current fields, or reports the conflicts that stop it. */
export function serverSideApply(
  current: Record<string, unknown>,
  previousOwners: Owners,
  appliedFields: Record<string, unknown>,
  manager: string,
  force: boolean,
): ApplyResult {
  const leaves = leavesOf(current);
  const applied = leavesOf(appliedFields);
  const conflicts = conflictsOf(leaves, applied, previousOwners, manager);
  if (conflicts.length > 0 && !force) return { ok: false, conflicts };
  const owners: Owners = new Map([...previousOwners].map(([name, owned]) => [name, new Set(owned)]));
  for (const conflict of conflicts) owners.get(conflict.manager)?.delete(JSON.stringify(conflict.path));
  for (const key of owners.get(manager) ?? []) {
    if (!applied.has(key) && !ownedByOthers(owners, manager, key)) leaves.delete(key);
  }
  for (const [key, leaf] of applied) {
    for (const [other, { path }] of leaves)
      if (isPrefix(path, leaf.path) || isPrefix(leaf.path, path)) leaves.delete(other);
    leaves.set(key, leaf);
  }
  owners.set(manager, new Set(applied.keys()));
  for (const [name, owned] of owners) if (owned.size === 0) owners.delete(name);
  return { ok: true, fields: build(leaves.values()), owners };
}

/** `metadata.managedFields` in the API's FieldsV1 shape (`f:<field>` keys), for objects read back. */
export function managedFieldsOf(owners: Owners, apiVersion: string, time: string) {
  return [...owners].map(([manager, owned]) => {
    const fieldsV1 = build(
      [...owned].map((key) => ({ path: (JSON.parse(key) as string[]).map((k) => `f:${k}`), value: {} })),
    );
    return { manager, operation: "Apply", apiVersion, time, fieldsType: "FieldsV1", fieldsV1 };
  });
}

export function conflictMessage(conflicts: Conflict[], apiVersion: string): string {
  const lines = conflicts.map(
    ({ manager, path }) => `conflict with "${manager}" using ${apiVersion}: .${path.join(".")}`,
  );
  return `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"}: ${lines.join("\n")}`;
}
