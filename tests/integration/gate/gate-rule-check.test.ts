import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { uploadGoldenSet } from "@/server/services/labels/golden-sets";
import { gateRequirement } from "@/server/services/quality/gate/gate-requirement";
import { givenUser } from "@/tests/integration/fixtures";
import { trpcCallerFor, trpcOutcome } from "@/tests/integration/support/trpc-caller";

const signature = {
  inputs: [{ name: "amount", type: "float32", shape: [-1, 1] }],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};

const code = trpcOutcome;

/** A classifier (legit/fraud) with one version, of the scientist's team; the rows are written directly. */
async function givenModel() {
  const scientist = await givenUser("DATA_SCIENTIST", "gate-rule-check");
  const model = await db().registeredModel.create({
    data: {
      name: `gate-rule-check-${Date.now().toString(36)}`,
      teamId: scientist.team.id,
      taskType: "CLASSIFICATION",
      createdById: scientist.user.id,
      outcomeClasses: ["legit", "fraud"],
      decisionThreshold: 0.5,
    },
  });
  const version = await db().modelVersion.create({
    data: { modelId: model.id, version: 1, format: "ONNX", signature, createdById: scientist.user.id },
  });
  return { scientist, caller: await trpcCallerFor(scientist.user.id), model, version };
}

const csv = (labels: string[]) => ["amount,expected", ...labels.map((label, i) => `${i},${label}`)].join("\n") + "\n";

describe("gate rule: the golden set it names and whether that set can detect its margins", () => {
  it("refuses a golden set name the model does not have, and runs the gate on the named set's latest version", async () => {
    const { scientist, caller, model, version } = await givenModel();
    const small = await uploadGoldenSet(scientist.ctx, {
      modelName: model.name,
      name: "small",
      content: csv([...Array(10).fill("legit"), ...Array(10).fill("fraud")]),
    });
    const criteria = [
      { metric: "accuracy" as const, margin: 0.01 },
      { metric: "recall" as const, class: "fraud", margin: 0.5 },
    ];
    expect(
      await code(
        caller.goldenSets.setGateRule({ modelName: model.name, rule: { goldenSetName: "missing", criteria } }),
      ),
    ).toBe("BAD_REQUEST");
    expect(await db().gateRule.count({ where: { modelId: model.id } })).toBe(0);

    await caller.goldenSets.setGateRule({ modelName: model.name, rule: { goldenSetName: "small", criteria } });
    // A newer set of another name does not move the gate off the named one.
    await uploadGoldenSet(scientist.ctx, { modelName: model.name, name: "other", content: csv(["legit", "fraud"]) });
    const requirement = await gateRequirement(db(), model.id, version.id);
    expect(requirement).toMatchObject({ configured: true, goldenSet: { id: small.id, name: "small" } });

    const check = await caller.goldenSets.ruleCheck({
      modelName: model.name,
      rule: { goldenSetName: "small", criteria },
    });
    expect(check.goldenSet).toMatchObject({ id: small.id, rowCount: 20 });
    // Worst case for two uncorrelated models: 1.96 · √(0.5 / n).
    expect(check.criteria[0]).toMatchObject({ metric: "accuracy", rows: 20, measured: false, tooSmall: true });
    expect(check.criteria[0]!.halfWidth).toBeCloseTo(1.959964 * Math.sqrt(0.5 / 20), 4);
    expect(check.criteria[1]).toMatchObject({ metric: "recall", class: "fraud", rows: 10, tooSmall: false });
    expect(check.criteria[1]!.halfWidth).toBeCloseTo(1.959964 * Math.sqrt(0.5 / 10), 4);

    // Unset, the gate takes the latest set of any name.
    await caller.goldenSets.setGateRule({ modelName: model.name, rule: { criteria } });
    expect(await gateRequirement(db(), model.id, version.id)).toMatchObject({ goldenSet: { name: "other" } });
    const audits = await db().auditLog.findMany({
      where: { action: "gateRule.set", entityId: model.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audits.map((a) => (a.after as { goldenSetName: string | null }).goldenSetName)).toEqual(["small", null]);
  });
});
