import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "@/server/env";
import { log } from "@/server/logging/logger";

/**
 * Fixed-window rate limits counted in Redis (rate-limit-flexible's RateLimiterRedis), shared by every portal process.
 *
 * When Redis is down (or not yet connected) every limiter falls back to an in-memory limiter with the same limit
 * (the library's insurance limiter): counting continues per process instead of across processes. We decided this per
 * limiter, thinking of both an outage and an attacker:
 * - REST per token: an outage must not stop every pipeline, and a token is already authenticated, so failing open
 *   without any limit would be wrong but failing closed would turn a Redis blip into an API outage. Per-process
 *   counting keeps a limit (at most limit × processes per window) and keeps the API up.
 * - REST failed authentications per IP, and sign-in attempts per IP and per email: these stop guessing. Failing open
 *   would hand an attacker who can cause (or wait for) an outage unlimited attempts; failing closed would lock every
 *   person out of the portal while Redis is down. Per-process counting is "closed-ish": guessing stays bounded by
 *   limit × processes per window, and people can still sign in.
 * Nothing is ever unlimited, and nothing waits for Redis: the client does not queue commands while disconnected, so a
 * down Redis costs a failed write, not a timeout. Counters live under `<QUEUE_PREFIX>:rate-limit:<policy>:`.
 */

/** One limit: `points` requests per `durationSeconds` for each key. */
export type RateLimitPolicy = { name: string; points: number; durationSeconds: number };

/** What a request learns from a limit: allowed or not, how many are left, and when to retry if refused. */
export type RateLimitState = { allowed: boolean; limit: number; remaining: number; retryAfterSeconds: number };

const FIRST_CONNECT_WAIT_MS = 1000;

function toState(policy: RateLimitPolicy, result: RateLimiterRes, allowed: boolean): RateLimitState {
  return {
    allowed,
    limit: policy.points,
    remaining: Math.max(0, policy.points - result.consumedPoints),
    retryAfterSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)),
  };
}

/** A refusal from the limiter arrives as a rejected RateLimiterRes; anything else is a real error. */
function refused(policy: RateLimitPolicy) {
  return (reason: unknown): RateLimitState => {
    if (reason instanceof RateLimiterRes) return toState(policy, reason, false);
    throw reason;
  };
}

export class RateLimits {
  private readonly limiters = new Map<string, RateLimiterRedis>();
  private readonly firstConnect: Promise<void>;

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {
    // The first requests of a process wait (briefly) for the connection, so they are not counted in memory only.
    this.firstConnect = new Promise<void>((resolve) => {
      if (redis.status === "ready") return resolve();
      redis.once("ready", () => resolve());
      redis.once("error", () => resolve());
      setTimeout(resolve, FIRST_CONNECT_WAIT_MS).unref();
    });
  }

  /** Drops the connection at once (a quit would wait on, or fail with, a Redis that is down). */
  close(): void {
    this.redis.disconnect();
  }

  private limiter(policy: RateLimitPolicy): RateLimiterRedis {
    const id = `${policy.name}:${policy.points}:${policy.durationSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const options = {
        keyPrefix: `${this.keyPrefix}:rate-limit:${policy.name}`,
        points: policy.points,
        duration: policy.durationSeconds,
      };
      limiter = new RateLimiterRedis({
        ...options,
        storeClient: this.redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(options),
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /** Counts one request against `key`; refused once the window's points are used up. */
  async consume(policy: RateLimitPolicy, key: string): Promise<RateLimitState> {
    await this.firstConnect;
    return this.limiter(policy)
      .consume(key)
      .then((result) => toState(policy, result, true), refused(policy));
  }

  /** Whether `key` still has points left, without counting a request. */
  async peek(policy: RateLimitPolicy, key: string): Promise<RateLimitState> {
    await this.firstConnect;
    const result = await this.limiter(policy).get(key);
    if (!result) return { allowed: true, limit: policy.points, remaining: policy.points, retryAfterSeconds: 0 };
    return toState(policy, result, result.consumedPoints < policy.points);
  }
}

/** A Redis client that never queues commands while disconnected (so a down Redis fails fast to the fallback). */
export function rateLimitRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
  let lastLogged = 0;
  redis.on("error", (error: Error) => {
    if (Date.now() - lastLogged < 60_000) return;
    lastLogged = Date.now();
    log().warn(`Rate limits: Redis unavailable (${error.message}); counting in memory per process meanwhile`);
  });
  return redis;
}

let shared: RateLimits | undefined;

/** The process's rate limits, on RATE_LIMIT_REDIS_URL (or REDIS_URL). */
export function rateLimits(): RateLimits {
  if (!shared) {
    const settings = env();
    shared = new RateLimits(rateLimitRedis(settings.RATE_LIMIT_REDIS_URL ?? settings.REDIS_URL), settings.QUEUE_PREFIX);
  }
  return shared;
}

/** Closes the process's rate-limit Redis client, so a script that used the REST layer in-process can exit. */
export function closeRateLimits(): void {
  shared?.close();
  shared = undefined;
}
