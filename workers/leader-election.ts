import { performance } from "node:perf_hooks";
import type { RedisClient } from "bullmq";
import { log } from "@/server/logging/logger";

/**
 * Takes the lease when nobody holds it (SET NX PX), or extends it when this owner already does (compare-and-set);
 * answers 1 when the caller holds the lease afterwards.
 */
const ACQUIRE_OR_RENEW = `
if redis.call("set", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return 1 end
if redis.call("get", KEYS[1]) == ARGV[1] then
  redis.call("pexpire", KEYS[1], ARGV[2])
  return 1
end
return 0`;

/** Deletes the lease only when this owner holds it. */
const RELEASE = `
if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end
return 0`;

const COMMANDS = { acquire: "modelportLeaseAcquireOrRenew", release: "modelportLeaseRelease" } as const;

/** What this process assumes of its own lease is cut short by this share of the TTL, for clock-rate drift. */
const SAFETY_SHARE = 0.1;

export type LeaseOptions = {
  /** The Redis key every candidate competes for. */
  key: string;
  /** This candidate, unique per process. */
  owner: string;
  ttlMs: number;
  /** Monotonic milliseconds (performance.now); a test can pause time for one candidate. */
  now?: () => number;
};

/**
 * A leader lease in Redis: one owner at a time, taken with SET NX PX and renewed by compare-and-set, so a renewal
 * never extends someone else's lease. `isLeader()` is this process's own view, and it errs on the safe side: the
 * lease counts from *before* the command that took or renewed it was sent, less a safety margin, so it ends here
 * before Redis lets it lapse. A process that was paused (or cut off from Redis) past that point stops acting as the
 * leader on its own, even before it learns that another took over.
 */
export class LeaderLease {
  private validUntil = 0;
  private readonly now: () => number;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: LeaseOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    redis.defineCommand(COMMANDS.acquire, { numberOfKeys: 1, lua: ACQUIRE_OR_RENEW });
    redis.defineCommand(COMMANDS.release, { numberOfKeys: 1, lua: RELEASE });
  }

  get owner() {
    return this.options.owner;
  }

  /** Whether this process may act as the leader now. */
  isLeader(): boolean {
    return this.now() < this.validUntil;
  }

  /** Takes or renews the lease; false (and no longer leader) when another owner holds it. */
  async tryAcquire(): Promise<boolean> {
    const sentAt = this.now();
    const { key, owner, ttlMs } = this.options;
    const held = Number(await this.redis.runCommand(COMMANDS.acquire, [key, owner, String(ttlMs)])) === 1;
    this.validUntil = held ? sentAt + ttlMs * (1 - SAFETY_SHARE) : 0;
    return held;
  }

  /** Gives the lease up at once (on shutdown), so another candidate need not wait for it to lapse. */
  async release(): Promise<void> {
    this.validUntil = 0;
    await this.redis.runCommand(COMMANDS.release, [this.options.key, this.options.owner]);
  }
}

export type LeaderElection = {
  lease: LeaderLease;
  /** Stops renewing and releases the lease (waiting at most `releaseTimeoutMs` for Redis, which may be down). */
  stop: (releaseTimeoutMs?: number) => Promise<void>;
};

/**
 * Competes for the lease now and every third of its TTL; `onChange` hears when this process becomes or stops being
 * the leader. A renewal that fails on a Redis error is logged and counts as not holding the lease.
 */
export function startLeaderElection(
  lease: LeaderLease,
  options: { ttlMs: number; onChange?: (leader: boolean) => void },
): LeaderElection {
  let leading = false;
  let stopped = false;
  let inFlight = false;
  const observe = (leader: boolean) => {
    if (leader === leading) return;
    leading = leader;
    options.onChange?.(leader);
  };
  const round = async () => {
    // A round still waiting for Redis (while it reconnects) is not joined by another; the lease lapses meanwhile.
    if (stopped || inFlight) {
      if (!stopped) observe(lease.isLeader());
      return;
    }
    inFlight = true;
    const held = await lease.tryAcquire().catch((error: unknown) => {
      log().error({ err: error }, `[worker] leader lease ${lease.owner}: Redis did not answer`);
      return false;
    });
    inFlight = false;
    if (!stopped) observe(held && lease.isLeader());
  };
  const timer = setInterval(() => void round(), Math.max(100, Math.floor(options.ttlMs / 3)));
  void round();
  return {
    lease,
    stop: async (releaseTimeoutMs = 2000) => {
      stopped = true;
      clearInterval(timer);
      observe(false);
      let timeout: NodeJS.Timeout | undefined;
      const released = lease.release().catch((error: unknown) => {
        log().error({ err: error }, `[worker] leader lease ${lease.owner} not released (it lapses by itself)`);
      });
      await Promise.race([released, new Promise((resolve) => (timeout = setTimeout(resolve, releaseTimeoutMs)))]);
      clearTimeout(timeout);
    },
  };
}
