import type { Redis } from "ioredis";
import type { Db } from "@/server/db/client";
import { CaptureIdResolver } from "@/server/services/capture/id-resolver";
import { insertCaptured } from "@/server/services/capture/insert-captured";
import { ensureDayPartitions, partitionName, dayOf } from "@/server/services/capture/partitions";
import { parseStreamEntries, type StreamEntry } from "@/server/services/capture/stream-entries";

export type CaptureLoaderOptions = {
  streamKey: string;
  group: string;
  /** This loader's consumer name in the group: unique per process. */
  consumer: string;
  /** Rows per PostgreSQL insert. */
  batch: number;
  /** Stream entries per read (a runtime entry holds a flushed batch of rows; a SageMaker one a single row). */
  readEntries?: number;
  /** Entries pending this long on another consumer (it died) are claimed. */
  claimIdleMs: number;
  /** How long one read blocks waiting for new entries. */
  blockMs?: number;
  /** Other consumers idle this long with nothing pending (loaders that ended) are removed from the group. */
  forgetIdleMs?: number;
};

/** What the loader reports, for the worker's metrics. */
export type CaptureLoaderObserver = {
  loaded?: (rows: number) => void;
  duplicates?: (rows: number) => void;
  deadLettered?: (entries: number) => void;
};

const DEAD_LETTER_MAX_LENGTH = 100_000;
const DEFAULT_FORGET_IDLE_MS = 24 * 3_600_000;

/**
 * Deletes the group's consumers (except ARGV[1]) idle longer than ARGV[2] ms with no pending entries; answers how many.
 * A script, so no consumer can read an entry between the check and the delete (which would drop it from the group's
 * pending list). A live loader that was removed is recreated by its next read.
 */
const FORGET_IDLE_CONSUMERS = `
local removed = 0
for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[3])) do
  local fields = {}
  for i = 1, #consumer, 2 do fields[consumer[i]] = consumer[i + 1] end
  if fields['name'] ~= ARGV[1] and fields['pending'] == 0 and fields['idle'] > tonumber(ARGV[2]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[3], fields['name'])
    removed = removed + 1
  end
end
return removed`;
const DEFAULT_READ_ENTRIES = 200;
export const deadLetterKey = (streamKey: string) => `${streamKey}:dead`;

type ReadReply = Array<[stream: string, entries: StreamEntry[]]> | null;

/**
 * Loads the capture stream into CapturedPrediction. Invariants: an entry is acknowledged (XACK) and deleted only
 * after the PostgreSQL transaction holding its row committed, or after it was copied to the dead-letter stream, so a crash
 * loses nothing (the entry is read again); a row is inserted at most once however often its entry is delivered
 * (ON CONFLICT DO NOTHING on (id, predictedAt)); a bad record never blocks the entries behind it.
 */
export class CaptureLoader {
  private readonly ids: CaptureIdResolver;
  private readonly knownPartitions = new Set<string>();
  /** "0": this consumer's own unacknowledged entries first (after a failure), then ">": new ones. */
  private cursor: "0" | ">" = "0";

  constructor(
    private readonly redis: Redis,
    private readonly db: Db,
    private readonly options: CaptureLoaderOptions,
    private readonly observer: CaptureLoaderObserver = {},
    private readonly now: () => number = Date.now,
  ) {
    this.ids = new CaptureIdResolver(db);
  }

  /** Creates the consumer group (at the stream's start) unless it exists. */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup("CREATE", this.options.streamKey, this.options.group, "0", "MKSTREAM");
    } catch (error) {
      if (!(error instanceof Error && error.message.includes("BUSYGROUP"))) throw error;
    }
  }

  /** Reads and loads one batch (own pending entries first, then new ones); answers how many entries it handled. */
  async loadOnce(): Promise<number> {
    const { streamKey, group, consumer, readEntries = DEFAULT_READ_ENTRIES, blockMs } = this.options;
    const args: Array<string | number> = ["GROUP", group, consumer, "COUNT", readEntries];
    if (this.cursor === ">" && blockMs) args.push("BLOCK", blockMs);
    const reply = (await this.redis.call("XREADGROUP", ...args, "STREAMS", streamKey, this.cursor)) as ReadReply;
    const entries = reply?.[0]?.[1] ?? [];
    if (this.cursor === "0" && entries.length === 0) {
      this.cursor = ">";
      return this.loadOnce();
    }
    return this.process(entries);
  }

  /** Claims entries another consumer read but did not acknowledge for claimIdleMs, and loads them. */
  async claimAbandoned(): Promise<number> {
    const { streamKey, group, consumer, readEntries = DEFAULT_READ_ENTRIES, claimIdleMs } = this.options;
    let start = "0-0";
    let handled = 0;
    do {
      const [next, entries] = (await this.redis.call(
        "XAUTOCLAIM",
        streamKey,
        group,
        consumer,
        claimIdleMs,
        start,
        "COUNT",
        readEntries,
      )) as [string, StreamEntry[], string[]?];
      handled += await this.process(entries.filter((entry) => Array.isArray(entry?.[1])));
      start = next;
    } while (start !== "0-0");
    return handled;
  }

  /** Removes consumers of loaders that ended long ago and left nothing pending, so the group does not grow forever. */
  async forgetIdleConsumers(): Promise<number> {
    const { streamKey, group, consumer, forgetIdleMs = DEFAULT_FORGET_IDLE_MS } = this.options;
    return (await this.redis.eval(FORGET_IDLE_CONSUMERS, 1, streamKey, consumer, forgetIdleMs, group)) as number;
  }

  /**
   * After a failure (Redis or PostgreSQL), the next read starts again from this consumer's pending entries, and
   * partitions are checked again (the retention job may have dropped one a late record needs).
   */
  rewind(): void {
    this.cursor = "0";
    this.knownPartitions.clear();
  }

  private async process(entries: readonly StreamEntry[]): Promise<number> {
    if (entries.length === 0) return 0;
    const { valid, invalid } = parseStreamEntries(entries, this.now());
    if (invalid.length > 0) {
      const pipeline = this.redis.pipeline();
      for (const bad of invalid)
        pipeline.xadd(
          deadLetterKey(this.options.streamKey),
          "MAXLEN",
          "~",
          DEAD_LETTER_MAX_LENGTH,
          "*",
          "entryId",
          bad.entryId,
          "reason",
          bad.reason,
          ...bad.fields,
        );
      const results = await pipeline.exec();
      const failed = results?.find(([error]) => error !== null);
      if (!results || failed) throw failed?.[0] ?? new Error("Dead-lettering the invalid capture records failed");
      this.observer.deadLettered?.(invalid.length);
    }
    for (let start = 0; start < valid.length; start += this.options.batch) {
      const records = valid.slice(start, start + this.options.batch).map((v) => v.record);
      await this.ensurePartitions(records.map((r) => new Date(r.predictedAt)));
      await this.ids.prepare(records);
      const inserted = await this.db.$transaction((tx) => insertCaptured(tx, records, this.ids));
      this.observer.loaded?.(inserted);
      this.observer.duplicates?.(records.length - inserted);
    }
    await this.acknowledgeAndDelete(entries.map(([id]) => id));
    return entries.length;
  }

  /**
   * Acknowledges loaded entries and deletes them from the stream in one transaction: an entry holds up to 1 MiB of
   * batched rows, so entries kept until MAXLEN trimmed them would hold gigabytes of Redis memory in steady state.
   */
  private async acknowledgeAndDelete(ids: string[]) {
    const { streamKey, group } = this.options;
    const results = await this.redis
      .multi()
      .xack(streamKey, group, ...ids)
      .xdel(streamKey, ...ids)
      .exec();
    const failed = results?.find(([error]) => error !== null);
    if (!results || failed) throw failed?.[0] ?? new Error("Acknowledging the loaded capture entries failed");
  }

  private async ensurePartitions(times: Date[]) {
    const missing = times.filter((time) => !this.knownPartitions.has(partitionName(dayOf(time))));
    if (missing.length === 0) return;
    await ensureDayPartitions(this.db, missing);
    for (const time of missing) this.knownPartitions.add(partitionName(dayOf(time)));
  }
}
