import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "@/runtime/features/circuit-breaker";

function breaker() {
  let now = 0;
  const b = new CircuitBreaker({ failureThreshold: 3, openMs: 1_000 }, () => now);
  return { b, advance: (ms: number) => (now += ms) };
}

describe("the feature store's circuit breaker", () => {
  it("opens after the threshold of failures in a row, not before, and a success resets the count", () => {
    const { b } = breaker();
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.state).toBe("closed");
    expect(b.allow()).toBe(true);
    b.failed();
    expect(b.state).toBe("open");
    expect(b.allow()).toBe(false);
  });

  it("lets exactly one probe through once open long enough; its success closes, its failure reopens", () => {
    const { b, advance } = breaker();
    for (let i = 0; i < 3; i++) b.failed();
    advance(999);
    expect(b.allow()).toBe(false);
    advance(1);
    expect(b.state).toBe("half_open");
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    b.failed();
    expect(b.state).toBe("open");
    advance(1_000);
    expect(b.allow()).toBe(true);
    b.succeeded();
    expect(b.state).toBe("closed");
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(true);
  });
});
