import { Redis } from "ioredis";
import { hotFeatureKey } from "@/contracts/online-features";

/** One entity's values at one version of its PostgreSQL row. */
export type HotFeatureEntry = { group: string; entityId: string; version: bigint; values: Record<string, number> };

/** Mirrors stored features into Redis for the runtime's hot path. `write` rejects when Redis fails. */
export type HotFeatureMirror = {
  write(entries: readonly HotFeatureEntry[]): Promise<void>;
  /**
   * Whether this Redis still holds what was mirrored into it: false after it lost its data (restarted without
   * persistence, flushed, or a new one), when everything must be mirrored again.
   */
  holdsMirror(): Promise<boolean>;
  /** Records that everything is being mirrored into this Redis again (set after marking every row unmirrored). */
  markMirrored(): Promise<void>;
  close(): Promise<void>;
};

/** Set once a full mirror has been started: a Redis without it has lost (or never had) the mirrored values. */
const MIRROR_MARKER_KEY = "modelport:feature-mirror";

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

export function redisHotMirror(url: string): HotFeatureMirror {
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
        const keys = slice.map((e) => hotFeatureKey(e.group, e.entityId));
        const args = slice.flatMap((e) => {
          const version = e.version.toString();
          return [version, JSON.stringify({ version, values: e.values })];
        });
        await client.eval(SET_IF_NEWER, keys.length, ...keys, ...args);
      }
    },
    async holdsMirror() {
      return (await client.exists(MIRROR_MARKER_KEY)) === 1;
    },
    async markMirrored() {
      await client.set(MIRROR_MARKER_KEY, new Date().toISOString());
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
