import { describe, expect, it } from "vitest";
import { mergeTimeline, stepLabel } from "@/components/deployments/timeline";

const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second));

function event(
  id: number,
  step: string,
  outcome: "RUNNING" | "SUCCEEDED" | "FAILED" | "SKIPPED",
  attempt = 1,
  message = "",
) {
  return {
    id: BigInt(id),
    deploymentId: "d1",
    step,
    attempt,
    outcome,
    message,
    details: null,
    startedAt: at(id),
    finishedAt: outcome === "RUNNING" ? null : at(id + 1),
  };
}

const PLANNED = ["validate-artifact", "apply-endpoint", "wait-healthy", "shift-traffic:1", "finalize", "move-alias"];

describe("mergeTimeline", () => {
  it("shows every planned step as pending before any event", () => {
    const steps = mergeTimeline(PLANNED, []);
    expect(steps.map((s) => [s.name, s.state, s.attempts])).toEqual(PLANNED.map((name) => [name, "pending", 0]));
  });

  it("takes each step's latest attempt and counts attempts", () => {
    const steps = mergeTimeline(PLANNED, [
      event(1, "validate-artifact", "SUCCEEDED"),
      event(2, "apply-endpoint", "FAILED", 1, "target timed out"),
      event(3, "apply-endpoint", "SUCCEEDED", 2),
      event(4, "wait-healthy", "RUNNING"),
    ]);
    expect(steps.slice(0, 4).map((s) => [s.name, s.state, s.attempts])).toEqual([
      ["validate-artifact", "succeeded", 1],
      ["apply-endpoint", "succeeded", 2],
      ["wait-healthy", "running", 1],
      ["shift-traffic:1", "pending", 0],
    ]);
    expect(steps[1]?.message).toBe("");
    expect(steps[2]?.finishedAt).toBeNull();
  });

  it("appends steps that happened without being planned, such as a rollback", () => {
    const steps = mergeTimeline(PLANNED, [
      event(1, "validate-artifact", "SUCCEEDED"),
      event(2, "shift-traffic:1", "FAILED", 1, "p99 too high"),
      event(3, "rollback", "SUCCEEDED"),
    ]);
    expect(steps.map((s) => s.name)).toEqual([...PLANNED, "rollback"]);
    expect(steps.at(-1)).toMatchObject({ state: "succeeded", planned: false });
    expect(steps.find((s) => s.name === "shift-traffic:1")).toMatchObject({ state: "failed", message: "p99 too high" });
  });
});

describe("stepLabel", () => {
  it("reads step names as words and numbers traffic steps", () => {
    expect(stepLabel("wait-healthy")).toBe("Wait healthy");
    expect(stepLabel("shift-traffic:2")).toBe("Shift traffic (step 2)");
  });
});
