import { Redis } from "ioredis";
import { hotFeatureKey } from "@/contracts/online-features";

/** One entity's values at one version of its PostgreSQL row. */
export type HotFeatureEntry = { group: string; entityId: string; version: bigint; values: Record<string, number> };

/** Mirrors stored features into Redis for the runtime's hot path. `write` rejects when Redis fails. */
export type HotFeatureMirror = {
  write(entries: readonly HotFeatureEntry[]): Promise<void>;
  /**
   * The database this Redis mirrors (set by `claim`); null after it lost its data (restarted without persistence,
   * flushed, a new one), when everything must be mirrored again.
   */
  mirrorOf(): Promise<string | null>;
  /**
   * Makes this Redis the mirror of `database`: drops every mirrored value first when it held another database's (whose
   * versions would outrank this one's), then records the owner. Call it after marking every row unmirrored.
   */
  claim(database: string, previous: string | null): Promise<void>;
  close(): Promise<void>;
};

/**
 * Which database's values this Redis mirrors under the prefix: absent, it has lost (or never had) them. "_mirror" is
 * no group name, so the marker is no entity's key.
 */
const markerKey = (prefix: string) => `${prefix}:_mirror`;

/**
 * Sets each key unless Redis already holds the same or a newer version of it: two writers mirroring the same entity
 * in either order leave the newer value (PostgreSQL's row version, raised by every write).
 */
const SET_IF_NEWER = `
for i, key in ipairs(KEYS) do
  local incoming = tonumber(ARGV[2 * i - 1])
  local current = redis.call('GET', key)
  local older = true
  if current then
    local ok, entry = pcall(cjson.decode, current)
    if ok and type(entry) == 'table' and tonumber(entry['version']) ~= nil then
      older = tonumber(entry['version']) < incoming
    end
  end
  if older then redis.call('SET', key, ARGV[2 * i]) end
end
return #KEYS`;

/** Keys per script call: each call blocks Redis while it runs, so large writes go in slices. */
const KEYS_PER_CALL = 500;

export function redisHotMirror(url: string, prefix: string): HotFeatureMirror {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 2_000,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  // Failures reach the caller as rejected writes; the client reconnects by itself.
  client.on("error", () => {});
  return {
    async write(entries) {
      for (let start = 0; start < entries.length; start += KEYS_PER_CALL) {
        const slice = entries.slice(start, start + KEYS_PER_CALL);
        const keys = slice.map((e) => hotFeatureKey(prefix, e.group, e.entityId));
        const args = slice.flatMap((e) => {
          const version = e.version.toString();
          return [version, JSON.stringify({ version, values: e.values })];
        });
        await client.eval(SET_IF_NEWER, keys.length, ...keys, ...args);
      }
    },
    mirrorOf() {
      return client.get(markerKey(prefix));
    },
    async claim(database, previous) {
      if (previous !== null) {
        for await (const keys of client.scanStream({ match: `${prefix}:*`, count: 1_000 }) as AsyncIterable<string[]>)
          if (keys.length > 0) await client.unlink(...keys);
      }
      await client.set(markerKey(prefix), database);
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
