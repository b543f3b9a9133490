import { describe, it } from "vitest";
import { killDrills } from "@/tests/integration/deployments/worker-drills";

// Two real worker processes; the one holding the deployment is SIGKILLed in the middle of a call to the runtime's
// control API (a proxy holds the request, which never lands), or while a breaching canary rolls back. The other
// worker takes over and the deployment reaches exactly one outcome (see worker-kill-rollout.test.ts for the steps'
// work done but not recorded).
// Reads (record-prior-state's and wait-healthy's GETs) change nothing; the rollout file kills those steps too.
const CALLS = [
  ["apply-endpoint", "PUT"],
  ["shift-traffic:1", "PATCH"],
  ["shift-traffic:2", "PATCH"],
  ["finalize", "PUT"],
] as const;
const drills = killDrills("call", CALLS.length + 3);

describe("a worker SIGKILLed in the middle of a control call", () => {
  it.each(CALLS)(
    "%s (%s held): the call never lands, the other worker makes it and finishes once",
    async (step, method) => {
      const held = drills.holdCall(step, method);
      const drill = await drills.canary({ breaking: false });
      await drills.killMidCall(drill.deploymentId, step, held);
      await drills.expectRolledOut(drill, step);
    },
    60_000,
  );
});

describe("a worker SIGKILLed while a breaching canary rolls back", () => {
  it("at the breach (recorded after the bake judged it): the other worker judges again and rolls back once", async () => {
    await drills.gateAt("bake:1");
    const drill = await drills.canary({ breaking: true });
    await drills.killAtGate(drill.deploymentId, "bake:1");
    await drills.expectRolledBack(drill, { bake: ["ABANDONED", "FAILED"], rollback: ["SUCCEEDED"] });
  }, 60_000);

  it("in the rollback's call restoring the prior variant: the other worker restores it once", async () => {
    const held = drills.holdCall("rollback", "PUT");
    const drill = await drills.canary({ breaking: true });
    await drills.killMidCall(drill.deploymentId, "rollback", held);
    await drills.expectRolledBack(drill, { bake: ["FAILED"], rollback: ["ABANDONED", "SUCCEEDED"] });
  }, 60_000);

  it("after the prior variant was restored, before it was recorded: the other worker restores it again, once recorded", async () => {
    await drills.gateAt("rollback");
    const drill = await drills.canary({ breaking: true });
    await drills.killAtGate(drill.deploymentId, "rollback");
    await drills.expectRolledBack(drill, { bake: ["FAILED"], rollback: ["ABANDONED", "SUCCEEDED"] });
  }, 60_000);
});
