import type { AuditEntityRef } from "@/contracts/audit-entities";
import type { ReadContext } from "@/server/services/context";

type EntityKey = { entityType: string; entityId: string };

const key = (entityType: string, entityId: string) => `${entityType}:${entityId}`;

function idsOf(rows: EntityKey[], entityType: string): string[] {
  return [...new Set(rows.filter((r) => r.entityType === entityType).map((r) => r.entityId))];
}

/** Alias rows are named `<modelId>:<alias>`. */
function splitAliasId(entityId: string) {
  const at = entityId.indexOf(":");
  return at > 0 ? { modelId: entityId.slice(0, at), alias: entityId.slice(at + 1) } : null;
}

/** Batch-resolves the nameable entities of one page of audit rows (one query per entity type). */
export async function resolveAuditEntities(ctx: ReadContext, rows: EntityKey[]): Promise<Map<string, AuditEntityRef>> {
  const aliasIds = idsOf(rows, "ModelAlias");
  const aliasRefs = aliasIds.map(splitAliasId).filter((a) => a !== null);
  const modelIds = [...new Set([...idsOf(rows, "RegisteredModel"), ...aliasRefs.map((a) => a.modelId)])];
  const versionIds = idsOf(rows, "ModelVersion");
  const experimentIds = idsOf(rows, "Experiment");
  const runIds = idsOf(rows, "Run");
  const userIds = idsOf(rows, "User");
  const tokenIds = idsOf(rows, "ApiToken");
  const [models, versions, experiments, runs, users, tokens] = await Promise.all([
    modelIds.length
      ? ctx.db.registeredModel.findMany({
          where: { OR: [{ id: { in: modelIds } }, { name: { in: modelIds } }] },
          select: { id: true, name: true },
        })
      : [],
    versionIds.length
      ? ctx.db.modelVersion.findMany({
          where: { id: { in: versionIds } },
          select: { id: true, version: true, model: { select: { name: true } } },
        })
      : [],
    experimentIds.length
      ? ctx.db.experiment.findMany({ where: { id: { in: experimentIds } }, select: { id: true, name: true } })
      : [],
    runIds.length
      ? ctx.db.run.findMany({ where: { id: { in: runIds } }, select: { id: true, name: true, experimentId: true } })
      : [],
    userIds.length
      ? ctx.db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } })
      : [],
    tokenIds.length
      ? ctx.db.apiToken.findMany({ where: { id: { in: tokenIds } }, select: { id: true, name: true, prefix: true } })
      : [],
  ]);

  const resolved = new Map<string, AuditEntityRef>();
  for (const m of models) {
    const ref: AuditEntityRef = { kind: "model", name: m.name };
    resolved.set(key("RegisteredModel", m.id), ref);
    resolved.set(key("RegisteredModel", m.name), ref);
  }
  for (const id of aliasIds) {
    const parts = splitAliasId(id);
    const model = parts && resolved.get(key("RegisteredModel", parts.modelId));
    if (parts && model?.kind === "model")
      resolved.set(key("ModelAlias", id), { kind: "alias", modelName: model.name, alias: parts.alias });
  }
  for (const v of versions) {
    resolved.set(key("ModelVersion", v.id), { kind: "version", modelName: v.model.name, version: v.version });
  }
  for (const e of experiments) resolved.set(key("Experiment", e.id), { kind: "experiment", id: e.id, name: e.name });
  for (const r of runs)
    resolved.set(key("Run", r.id), { kind: "run", id: r.id, name: r.name, experimentId: r.experimentId });
  for (const u of users) resolved.set(key("User", u.id), { kind: "user", name: u.name, email: u.email });
  for (const t of tokens) resolved.set(key("ApiToken", t.id), { kind: "token", name: t.name, prefix: t.prefix });
  return resolved;
}
