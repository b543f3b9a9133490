import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { uploadGoldenSet, listGoldenSets } from "@/server/services/labels/golden-sets";
import { setGateRule } from "@/server/services/quality/gate/gate-rules";
import { startGateEvaluation, versionGate } from "@/server/services/quality/gate/gate-views";
import { callApi, givenToken } from "@/tests/integration/fixtures";

const signature = {
  inputs: [
    { name: "amount", type: "float32", shape: [-1, 1] },
    { name: "postcode", type: "string", shape: [-1, 1] },
  ],
  outputs: [{ name: "probability", type: "float32", shape: [-1, 1] }],
};

/** A classifier with one version; the row is written directly (nothing here loads the model, registration is tested elsewhere). */
async function givenModel() {
  const scientist = await givenToken("DATA_SCIENTIST", ["read", "runs:write", "models:write"]);
  const name = `golden-upload-${Date.now().toString(36)}`;
  const created = await callApi("POST", "/models", {
    token: scientist.secret,
    json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
  });
  expect(created.status).toBe(201);
  const model = await db().registeredModel.findUniqueOrThrow({ where: { name } });
  await db().modelVersion.create({
    data: { modelId: model.id, version: 1, format: "ONNX", signature, createdById: scientist.user.id },
  });
  return { scientist, name };
}

describe("golden set CSV upload", () => {
  it("keeps declared types, versions by name, and refuses bad rows naming row and column with nothing written", async () => {
    const { scientist, name } = await givenModel();
    const good = 'amount,postcode,expected\n12.5,"01001",1\n3,0742,0\n';
    const first = await uploadGoldenSet(scientist.ctx, { modelName: name, name: "holdout", content: good });
    expect(first).toMatchObject({ version: 1, rowCount: 2, overlap: null });
    const rows = await db().goldenSetRow.findMany({ where: { goldenSetId: first.id }, orderBy: { position: "asc" } });
    expect(rows.map((r) => r.features)).toEqual([
      { amount: 12.5, postcode: "01001" },
      { amount: 3, postcode: "0742" },
    ]);
    const again = await uploadGoldenSet(scientist.ctx, { modelName: name, name: "holdout", content: good });
    expect(again).toMatchObject({ version: 2, contentHash: first.contentHash });
    const changed = await uploadGoldenSet(scientist.ctx, {
      modelName: name,
      name: "holdout",
      content: good.replace("12.5", "12.6"),
    });
    expect(changed.contentHash).not.toBe(first.contentHash);

    const bad: [string, Record<string, unknown>][] = [
      ["amount,postcode,expected\n12.5,a,1\nlots,b,0\n", { row: 2, column: "amount" }],
      ["amount,postcode,expected\n12.5,a,2\n", { row: 1, column: "expected" }],
      ["amount,expected\n12.5,1\n", { row: 0, column: "postcode" }],
      ["amount,postcode,expected,extra\n1,a,1,x\n", { row: 0, column: "extra" }],
      ["amount,postcode,expected\n1,a\n", { row: 1 }],
    ];
    const before = await db().goldenSetRow.count();
    for (const [content, where] of bad) {
      await expect(uploadGoldenSet(scientist.ctx, { modelName: name, name: "holdout", content })).rejects.toMatchObject(
        {
          code: "BAD_REQUEST",
          details: expect.objectContaining({ code: "GOLDEN_CSV_INVALID", ...where }),
        },
      );
    }
    expect(await db().goldenSetRow.count()).toBe(before);
    expect((await listGoldenSets(scientist.ctx, { modelName: name })).map((s) => s.version)).toEqual([3, 2, 1]);
  });

  it("refuses files over the row limit with 413", async () => {
    const { scientist, name } = await givenModel();
    const content = "amount,postcode,expected\n" + "1,a,1\n".repeat(20_001);
    await expect(uploadGoldenSet(scientist.ctx, { modelName: name, name: "big", content })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
  });

  it("starts one evaluation however many people ask at once, and says when the gate is not configured", async () => {
    const { scientist, name } = await givenModel();
    expect(await versionGate(scientist.ctx, { modelName: name, version: 1 })).toEqual({
      configured: false,
      detail: "Golden-set gate not configured: the model has no golden set",
    });
    await uploadGoldenSet(scientist.ctx, { modelName: name, name: "g", content: "amount,postcode,expected\n1,a,1\n" });
    expect(await versionGate(scientist.ctx, { modelName: name, version: 1 })).toMatchObject({ configured: false });
    await setGateRule(scientist.ctx, { modelName: name, rule: { criteria: [{ metric: "accuracy", bound: 0.5 }] } });
    const asked = await Promise.all(
      Array.from({ length: 4 }, () => startGateEvaluation(scientist.ctx, { modelName: name, version: 1 })),
    );
    const ids = new Set(asked.map((gate) => (gate.configured ? gate.evaluation?.id : undefined)));
    expect(ids.size).toBe(1);
    const model = await db().registeredModel.findUniqueOrThrow({ where: { name } });
    expect(await db().gateEvaluation.count({ where: { modelId: model.id } })).toBe(1);
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "gateRule.set", entityId: model.id } });
    expect(audit.actorId).toBe(scientist.user.id);
  });
});
