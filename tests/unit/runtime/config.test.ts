import { afterEach, describe, expect, it, vi } from "vitest";
import { runtimeConfigFromEnv } from "@/runtime/config";

afterEach(() => vi.unstubAllEnvs());

describe("runtimeConfigFromEnv", () => {
  it("refuses a control token under 32 bytes in production, saying what to set", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("RUNTIME_CONTROL_TOKEN", "x".repeat(31));
    expect(() => runtimeConfigFromEnv()).toThrow(/Set RUNTIME_CONTROL_TOKEN to at least 32 bytes in production/);
    vi.stubEnv("RUNTIME_CONTROL_TOKEN", "x".repeat(32));
    expect(runtimeConfigFromEnv().controlToken).toHaveLength(32);
  });

  it("keeps the 16-byte minimum outside production", () => {
    vi.stubEnv("NODE_ENV", "test");
    vi.stubEnv("RUNTIME_CONTROL_TOKEN", "x".repeat(15));
    expect(() => runtimeConfigFromEnv()).toThrow(/at least 16 bytes/);
    vi.stubEnv("RUNTIME_CONTROL_TOKEN", "x".repeat(16));
    expect(runtimeConfigFromEnv().metricsToken).toBeUndefined();
  });

  it("holds RUNTIME_METRICS_TOKEN to the same minimum when it is set", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("RUNTIME_CONTROL_TOKEN", "x".repeat(32));
    vi.stubEnv("RUNTIME_METRICS_TOKEN", "short-metrics-token");
    expect(() => runtimeConfigFromEnv()).toThrow(/RUNTIME_METRICS_TOKEN/);
    vi.stubEnv("RUNTIME_METRICS_TOKEN", "m".repeat(40));
    expect(runtimeConfigFromEnv().metricsToken).toBe("m".repeat(40));
  });
});
