import { AppError } from "@/server/errors";
import type { RateLimitState } from "@/server/rate-limit/limiter";

/** X-RateLimit-Limit and X-RateLimit-Remaining, for an allowed request. */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return { "x-ratelimit-limit": String(state.limit), "x-ratelimit-remaining": String(state.remaining) };
}

/** A refused request: 429 TOO_MANY_REQUESTS, answered with Retry-After (details.retryAfterSeconds). */
export function tooManyRequests(message: string, state: RateLimitState): AppError {
  return new AppError("TOO_MANY_REQUESTS", `${message}; retry in ${state.retryAfterSeconds} s`, {
    retryAfterSeconds: state.retryAfterSeconds,
    limit: state.limit,
  });
}

/** The headers of a 429 answer, from the error's details. */
export function retryHeaders(error: AppError): Record<string, string> {
  const { retryAfterSeconds, limit } = error.details ?? {};
  return {
    ...(typeof retryAfterSeconds === "number" && { "retry-after": String(retryAfterSeconds) }),
    ...(typeof limit === "number" && { "x-ratelimit-limit": String(limit), "x-ratelimit-remaining": "0" }),
  };
}
