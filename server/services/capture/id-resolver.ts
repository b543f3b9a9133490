import type { Db } from "@/server/db/client";

const DEFAULT_TTL_MS = 60_000;

type Entry = { value: string | null; until: number };

/**
 * Resolves a capture record's endpoint name to Endpoint.id and model name + version to ModelVersion.id, with a small
 * cache (unknown names are cached too, so a flood of records for an unknown endpoint costs one query a minute).
 * Records whose names are unknown still load, with null ids: the prediction happened.
 */
export class CaptureIdResolver {
  private readonly endpoints = new Map<string, Entry>();
  private readonly versions = new Map<string, Entry>();

  constructor(
    private readonly db: Pick<Db, "endpoint" | "modelVersion">,
    private readonly ttlMs = DEFAULT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  private fresh(cache: Map<string, Entry>, key: string): Entry | undefined {
    const entry = cache.get(key);
    return entry && entry.until > this.now() ? entry : undefined;
  }

  /** Loads every name of the batch not cached, in two queries. */
  async prepare(records: ReadonlyArray<{ endpoint: string; modelName?: string; modelVersion?: number }>) {
    const until = this.now() + this.ttlMs;
    const endpointNames = [...new Set(records.map((r) => r.endpoint))].filter((n) => !this.fresh(this.endpoints, n));
    if (endpointNames.length > 0) {
      const found = await this.db.endpoint.findMany({
        where: { name: { in: endpointNames } },
        select: { id: true, name: true },
      });
      for (const name of endpointNames)
        this.endpoints.set(name, { value: found.find((e) => e.name === name)?.id ?? null, until });
    }
    const wanted = new Map<string, { name: string; version: number }>();
    for (const r of records) {
      if (r.modelName === undefined || r.modelVersion === undefined) continue;
      const key = versionKey(r.modelName, r.modelVersion);
      if (!this.fresh(this.versions, key)) wanted.set(key, { name: r.modelName, version: r.modelVersion });
    }
    if (wanted.size === 0) return;
    const found = await this.db.modelVersion.findMany({
      where: { OR: [...wanted.values()].map((w) => ({ version: w.version, model: { name: w.name } })) },
      select: { id: true, version: true, model: { select: { name: true } } },
    });
    for (const [key] of wanted) this.versions.set(key, { value: null, until });
    for (const v of found) this.versions.set(versionKey(v.model.name, v.version), { value: v.id, until });
  }

  endpointId(name: string): string | null {
    return this.endpoints.get(name)?.value ?? null;
  }

  versionId(modelName: string | undefined, modelVersion: number | undefined): string | null {
    if (modelName === undefined || modelVersion === undefined) return null;
    return this.versions.get(versionKey(modelName, modelVersion))?.value ?? null;
  }
}

const versionKey = (name: string, version: number) => `${name}\u0000${version}`;
