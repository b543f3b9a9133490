-- Per-token REST rate limit in requests per minute, null means the default from REST_RATE_LIMIT_PER_MINUTE
ALTER TABLE "ApiToken" ADD COLUMN "rateLimitPerMinute" INTEGER;
