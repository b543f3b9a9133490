import { describe, it } from "vitest";
import { killDrills, ROLLOUT_STEPS } from "@/tests/integration/deployments/worker-drills";

// Two real worker processes run a canary rollout; at each of its steps in turn, the one holding the deployment is
// SIGKILLed after the step's work is done and before its outcome is recorded (a trigger in this file's database
// holds that write). The other worker takes the deployment over once the lease lapses and a new worker joins; the
// deployment reaches exactly one outcome: SUCCEEDED, every step succeeded once (the dead worker's try is marked
// ABANDONED), the runtime serves exactly the candidate at 100%, the alias moved once, and no prediction failed.
const drills = killDrills("kill", ROLLOUT_STEPS.length);

describe("a worker SIGKILLed at every step of a canary rollout, its work done but not recorded", () => {
  it.each(ROLLOUT_STEPS)(
    "%s: the other worker finishes, every step succeeded once, one variant serves, the alias moved once",
    async (step) => {
      await drills.gateAt(step);
      const drill = await drills.canary({ breaking: false });
      await drills.killAtGate(drill.deploymentId, step);
      await drills.expectRolledOut(drill, step);
    },
    60_000,
  );
});
