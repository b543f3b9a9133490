import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { Redis } from "ioredis";
import { hotFeatureKey } from "@/contracts/online-features";

/** One entity's values at one version of its PostgreSQL row. */
export type HotFeatureEntry = { group: string; entityId: string; version: bigint; values: Record<string, number> };

/** What a mirror write did with each entry. */
export type MirrorWrite =
  /**
   * This Redis mirrors no database, another one, is being claimed, or its high water mark is below `floor` (it lost
   * writes): nothing was written (the sync job claims it again first).
   */
  | { unclaimed: true }
  | {
      unclaimed: false;
      /** Entries Redis now holds (written, or held at the same version). */
      held: HotFeatureEntry[];
      /** Entries refused because Redis holds a newer version: a newer write's, or one PostgreSQL no longer has. */
      behind: Array<{ entry: HotFeatureEntry; redisVersion: bigint }>;
    };

/** Mirrors stored features into Redis for the runtime's hot path. Every call rejects when Redis fails. */
export type HotFeatureMirror = {
  /**
   * Writes entries, each only over an older version, and only while this Redis mirrors `database` and its high water
   * mark is at least `floor` (the highest version PostgreSQL marked mirrored).
   */
  write(entries: readonly HotFeatureEntry[], database: string, floor: bigint): Promise<MirrorWrite>;
  /** Replaces an entity's value only while Redis still holds exactly `redisVersion` of it. */
  replaceIfVersion(entry: HotFeatureEntry, redisVersion: bigint): Promise<boolean>;
  /**
   * The database this Redis mirrors; null after it lost its data (restarted without persistence, flushed, new);
   * `claiming:…` while a claim is under way.
   */
  mirrorOf(): Promise<string | null>;
  /** The highest version ever written here since the last claim (0 when none). */
  highWater(): Promise<bigint>;
  /**
   * Starts a claim if the marker still names `previous` (compare and set): the marker becomes `claiming:<token>` for at
   * most CLAIM_TTL_MS (a claimer that dies leaves nothing stuck), and no write lands meanwhile. Answers the token, or
   * null when someone else changed the marker.
   */
  startClaim(previous: string | null): Promise<string | null>;
  /** Drops every mirrored value under the prefix (the marker stays), so nothing stale outranks a new mirror. */
  dropMirrored(): Promise<void>;
  /** Ends the claim `token` started: the marker names `database` (for good); false when the claim had lapsed. */
  finishClaim(token: string, database: string): Promise<boolean>;
  close(): Promise<void>;
};

/** Which database this Redis mirrors, and the highest version written. "_…" is no group name, so no entity's key. */
const markerKey = (prefix: string) => `${prefix}:_mirror`;
const highWaterKey = (prefix: string) => `${prefix}:_high_water`;

/**
 * KEYS: marker, high water, then one key per entry; ARGV: the database, the floor, then version and JSON per entry.
 * Answers -1 when Redis does not mirror that database or its high water mark is below the floor, else per entry "ok"
 * (written, or held at that version) or the newer version Redis holds. Versions are PostgreSQL bigints, compared as
 * Lua numbers (exact below 2^53).
 */
const WRITE_IF_NEWER = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local high = tonumber(redis.call('GET', KEYS[2]) or '0')
if high < tonumber(ARGV[2]) then return -1 end
local answers = {}
for i = 3, #KEYS do
  local incoming = tonumber(ARGV[2 * i - 3])
  local held, heldText = nil, nil
  local current = redis.call('GET', KEYS[i])
  if current then
    local ok, entry = pcall(cjson.decode, current)
    if ok and type(entry) == 'table' and tonumber(entry['version']) ~= nil then
      held, heldText = tonumber(entry['version']), tostring(entry['version'])
    end
  end
  if held == nil or held < incoming then
    redis.call('SET', KEYS[i], ARGV[2 * i - 2])
    if incoming > high then high = incoming end
    answers[#answers + 1] = 'ok'
  elseif held == incoming then
    answers[#answers + 1] = 'ok'
  else
    answers[#answers + 1] = heldText
  end
end
redis.call('SET', KEYS[2], string.format('%.0f', high))
return answers`;

/** KEYS: the entity's key; ARGV: the version Redis must still hold, the new JSON. */
const REPLACE_IF_VERSION = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local ok, entry = pcall(cjson.decode, current)
if not ok or type(entry) ~= 'table' or tostring(entry['version']) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

/** KEYS: the marker; ARGV: the previous owner ('' for none), the claim's marker, its lifetime in ms. */
const START_CLAIM = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/** KEYS: the marker; ARGV: the claim's marker, the database. */
const FINISH_CLAIM = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

/** How long a claim may take (emptying the prefix) before the marker lapses and another may claim. */
const CLAIM_TTL_MS = 2 * 60_000;

/** Keys per script call: each call blocks Redis while it runs, so large writes go in slices. */
const KEYS_PER_CALL = 500;
const CONNECT_TIMEOUT_MS = 2_000;

const entryJson = (entry: HotFeatureEntry) =>
  JSON.stringify({ version: entry.version.toString(), values: entry.values });

/**
 * The Redis mirror under `prefix`. The connection opens on first use (a process that never mirrors, like the seed's
 * scripts, holds none) and commands are never queued while Redis is away: they fail, and the rows stay pending.
 */
export function redisHotMirror(url: string, prefix: string): HotFeatureMirror {
  let client: Redis | undefined;
  async function redis(): Promise<Redis> {
    client ??= new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 2_000,
      connectTimeout: CONNECT_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // Failures reach the caller as rejected commands; the client reconnects by itself.
    if (client.listenerCount("error") === 0) client.on("error", () => {});
    if (client.status === "wait") void client.connect().catch(() => {});
    if (client.status !== "ready")
      await once(client, "ready", { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) }).catch(() => {});
    return client;
  }

  async function writeSlice(r: Redis, slice: readonly HotFeatureEntry[], database: string, floor: bigint) {
    const keys = [
      markerKey(prefix),
      highWaterKey(prefix),
      ...slice.map((e) => hotFeatureKey(prefix, e.group, e.entityId)),
    ];
    const args = slice.flatMap((e) => [e.version.toString(), entryJson(e)]);
    return (await r.eval(WRITE_IF_NEWER, keys.length, ...keys, database, floor.toString(), ...args)) as -1 | string[];
  }

  return {
    async write(entries, database, floor) {
      const r = await redis();
      const held: HotFeatureEntry[] = [];
      const behind: Array<{ entry: HotFeatureEntry; redisVersion: bigint }> = [];
      for (let start = 0; start < entries.length; start += KEYS_PER_CALL) {
        const slice = entries.slice(start, start + KEYS_PER_CALL);
        const answers = await writeSlice(r, slice, database, floor);
        if (answers === -1) return { unclaimed: true };
        answers.forEach((answer, i) => {
          if (answer === "ok") held.push(slice[i]!);
          else behind.push({ entry: slice[i]!, redisVersion: BigInt(answer) });
        });
      }
      return { unclaimed: false, held, behind };
    },
    async replaceIfVersion(entry, redisVersion) {
      const key = hotFeatureKey(prefix, entry.group, entry.entityId);
      return (await (await redis()).eval(REPLACE_IF_VERSION, 1, key, redisVersion.toString(), entryJson(entry))) === 1;
    },
    async mirrorOf() {
      return (await redis()).get(markerKey(prefix));
    },
    async highWater() {
      return BigInt((await (await redis()).get(highWaterKey(prefix))) ?? "0");
    },
    async startClaim(previous) {
      const token = `claiming:${randomUUID()}`;
      const won = await (await redis()).eval(START_CLAIM, 1, markerKey(prefix), previous ?? "", token, CLAIM_TTL_MS);
      return won === 1 ? token : null;
    },
    async finishClaim(token, database) {
      return (await (await redis()).eval(FINISH_CLAIM, 1, markerKey(prefix), token, database)) === 1;
    },
    async dropMirrored() {
      const r = await redis();
      const marker = markerKey(prefix);
      for await (const keys of r.scanStream({ match: `${prefix}:*`, count: 1_000 }) as AsyncIterable<string[]>) {
        const mirrored = keys.filter((key) => key !== marker);
        if (mirrored.length > 0) await r.unlink(...mirrored);
      }
    },
    async close() {
      await client?.quit().catch(() => client?.disconnect());
    },
  };
}
