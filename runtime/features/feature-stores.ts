import { Redis } from "ioredis";
import pg from "pg";
import { COLD_FEATURE_TABLE, hotFeatureKey } from "@/contracts/online-features";
import type { FeatureStoreSettings } from "@/runtime/config";
import { CircuitBreaker } from "@/runtime/features/circuit-breaker";
import type { FeatureStores } from "@/runtime/features/feature-lookup";
import { log } from "@/runtime/logger";

/** One entity's stored features as read: feature name → value (checked to be a finite number where it is used). */
export type StoredValues = Record<string, unknown>;

/** Reads entities' stored features; an entity it holds nothing for is absent from the answer. Rejects when it fails. */
export type FeatureStore = {
  read(group: string, entityIds: readonly string[]): Promise<Map<string, StoredValues>>;
  close(): Promise<void>;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The values of a hot entry (`{ version, values }`), or undefined when it is not one (then PostgreSQL is read). */
function hotValues(text: string): StoredValues | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isObject(entry) && isObject(entry.values) ? entry.values : undefined;
}

/** Keys per MGET: a 10,000-row request is read in slices, each well within the hot path's timeout. */
const KEYS_PER_READ = 500;

/**
 * The hot path: one MGET per request in Redis. Commands are never queued while disconnected and time out after
 * `timeoutMs`, so a slow or absent Redis costs a request at most that long before the cold path answers.
 */
export class RedisFeatureStore implements FeatureStore {
  private readonly client: Redis;
  private announcedDown = false;

  constructor(
    url: string,
    timeoutMs: number,
    private readonly keyPrefix: string,
  ) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    this.client.on("error", (error: Error) => {
      if (this.announcedDown) return;
      this.announcedDown = true;
      log().error(`Online features: Redis unreachable (${error.message}); reading PostgreSQL instead`);
    });
    this.client.on("ready", () => {
      if (this.announcedDown) log().info("Online features: Redis is back");
      this.announcedDown = false;
    });
  }

  async read(group: string, entityIds: readonly string[]): Promise<Map<string, StoredValues>> {
    const slices: string[][] = [];
    for (let start = 0; start < entityIds.length; start += KEYS_PER_READ)
      slices.push(entityIds.slice(start, start + KEYS_PER_READ));
    const answers = await Promise.all(
      slices.map((ids) => this.client.mget(ids.map((id) => hotFeatureKey(this.keyPrefix, group, id)))),
    );
    const found = new Map<string, StoredValues>();
    answers.forEach((texts, s) =>
      texts.forEach((text, i) => {
        const values = text === null ? undefined : hotValues(text);
        if (values) found.set(slices[s]![i]!, values);
      }),
    );
    return found;
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

const { table, group: groupColumn, entity, values } = COLD_FEATURE_TABLE;
const COLD_QUERY = `SELECT "${entity}" AS entity, "${values}" AS values FROM "${table}" WHERE "${groupColumn}" = $1 AND "${entity}" = ANY($2::text[])`;

/**
 * The cold path: the portal's table of record in PostgreSQL, read with one indexed query per request. Connections,
 * statements and queries each give up after `timeoutMs`.
 */
export class PostgresFeatureStore implements FeatureStore {
  private readonly pool: pg.Pool;

  constructor(connectionString: string, timeoutMs: number) {
    this.pool = new pg.Pool({
      connectionString,
      max: 4,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: "modelport-runtime-features",
    });
    // An idle connection's error (the server restarting) must not crash the runtime; the next query reconnects.
    this.pool.on("error", (error) => log().warn(`Online features: PostgreSQL connection lost (${error.message})`));
  }

  async read(group: string, entityIds: readonly string[]): Promise<Map<string, StoredValues>> {
    const result = await this.pool.query<{ entity: string; values: StoredValues }>(COLD_QUERY, [group, entityIds]);
    return new Map(result.rows.map((row) => [row.entity, row.values]));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** The stores the runtime's settings name, with the hot path's breaker; undefined when neither is set. */
export function openFeatureStores(settings: FeatureStoreSettings): FeatureStores | undefined {
  if (!settings.redisUrl && !settings.databaseUrl) return undefined;
  return {
    ...(settings.redisUrl && {
      hot: new RedisFeatureStore(settings.redisUrl, settings.hotTimeoutMs, settings.keyPrefix),
    }),
    ...(settings.databaseUrl && { cold: new PostgresFeatureStore(settings.databaseUrl, settings.coldTimeoutMs) }),
    breaker: new CircuitBreaker({ failureThreshold: settings.breakerFailures, openMs: settings.breakerOpenMs }),
  };
}
