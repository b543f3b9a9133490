import { describe, expect, it } from "vitest";
import { waitUntilSettled } from "@/server/integrations/kubernetes/wait-until-settled";
import type { EndpointState, EndpointStatus } from "@/server/integrations/targets/deployment-target";

function describer(statuses: EndpointStatus[]) {
  const calls: number[] = [];
  const describe = async (): Promise<EndpointState> => {
    calls.push(Date.now());
    const status = statuses[Math.min(calls.length - 1, statuses.length - 1)] ?? "creating";
    return { endpointName: "fraud", status, variants: [] };
  };
  return { describe, calls };
}

describe("waiting until an endpoint settles", () => {
  it("polls until healthy, backing off between looks", async () => {
    const { describe: look, calls } = describer(["creating", "creating", "updating", "healthy"]);
    expect((await waitUntilSettled(look, { timeoutMs: 5000, pollMs: 40 })).status).toBe("healthy");
    expect(calls).toHaveLength(4);
    const gaps = calls.slice(1).map((time, index) => time - (calls[index] ?? time));
    expect(gaps[2]).toBeGreaterThan((gaps[0] ?? 0) + 20);
  });

  it("stops at a failure", async () => {
    const { describe: look, calls } = describer(["creating", "failed"]);
    expect((await waitUntilSettled(look, { timeoutMs: 5000, pollMs: 10 })).status).toBe("failed");
    expect(calls).toHaveLength(2);
  });

  it("answers with the last state at the deadline, never sleeping past it", async () => {
    const { describe: look } = describer(["creating", "updating"]);
    const started = Date.now();
    const state = await waitUntilSettled(look, { timeoutMs: 250, pollMs: 10_000 });
    expect(state.status).toBe("updating");
    expect(Date.now() - started).toBeGreaterThanOrEqual(249);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("rejects with the abort reason as soon as it is aborted", async () => {
    const { describe: look } = describer(["creating"]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(
      waitUntilSettled(look, { timeoutMs: 10_000, pollMs: 5000, signal: controller.signal }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("does not look at all when already aborted", async () => {
    const { describe: look, calls } = describer(["healthy"]);
    await expect(waitUntilSettled(look, { timeoutMs: 1000, signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(calls).toHaveLength(0);
  });
});
