// Prisma CLI configuration. Everything here exists only to run Prisma's WebAssembly/JS engines on
// machines that cannot download native engines (see ../shared/OFFLINE.md). Application code never
// imports this file.
import path from "node:path";
import { fileURLToPath } from "node:url";

const thisFile = fileURLToPath(import.meta.url);
// Any existing file stops the CLI from trying to download native engines it will not use.
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= thisFile;
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= thisFile;

import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// Work-around for prisma/orm#27403: the JS schema engine cannot deserialize catalog columns of
// type `name` (oid 19) or `"char"` (oid 18); report them as text (oid 25).
const TEXT_OID = 25;
const CATALOG_OIDS = new Set([18, 19]);
type QueryResultLike = { fields?: { dataTypeID: number }[] };
function retypeCatalogFields<T>(result: T): T {
  const fields = (result as QueryResultLike | undefined)?.fields;
  if (fields) for (const f of fields) if (CATALOG_OIDS.has(f.dataTypeID)) f.dataTypeID = TEXT_OID;
  return result;
}
type Callback = (err: Error | null, res: unknown) => void;
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (
  this: pg.Client,
  ...args: unknown[]
) {
  const last = args[args.length - 1];
  if (typeof last === "function") {
    const cb = last as Callback;
    args[args.length - 1] = (err: Error | null, res: unknown) => cb(err, err ? res : retypeCatalogFields(res));
    return originalQuery.apply(this, args);
  }
  const first = args[0] as { callback?: Callback } | undefined;
  if (first && typeof first === "object" && typeof first.callback === "function") {
    const cb = first.callback;
    first.callback = (err, res) => cb(err, err ? res : retypeCatalogFields(res));
    return originalQuery.apply(this, args);
  }
  const result = originalQuery.apply(this, args);
  return result instanceof Promise ? result.then(retypeCatalogFields) : result;
};

function connectionFields(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname || "127.0.0.1",
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username || "postgres"),
    password: decodeURIComponent(u.password || ""),
    database: u.pathname.replace(/^\//, ""),
  };
}

// Work-around: the built-in shadow database is never dropped and clashes with the main one, so
// each `migrate dev` gets a fresh, uniquely named shadow database that is dropped on dispose.
class DisposableShadowPrismaPg extends PrismaPg {
  private readonly fields: ReturnType<typeof connectionFields>;
  constructor(fields: ReturnType<typeof connectionFields>) {
    super(fields);
    this.fields = fields;
  }
  override async connectToShadowDb() {
    const name = `prisma_shadow_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ ...this.fields, database: "postgres" });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const adapter = await new PrismaPg({ ...this.fields, database: name }).connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      const dropper = new pg.Client({ ...this.fields, database: "postgres" });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    };
    return adapter;
  }
}

const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/modelport";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(path.dirname(thisFile), "prisma", "schema.prisma"),
  migrations: { path: path.join(path.dirname(thisFile), "prisma", "migrations") },
  adapter: async () => new DisposableShadowPrismaPg(connectionFields(databaseUrl)),
});
