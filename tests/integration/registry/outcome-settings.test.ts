import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createModel } from "@/server/services/registry/create-model";
import { getModel } from "@/server/services/registry/get-model";
import { setOutcomeSettings } from "@/server/services/registry/outcome-settings";
import { givenUser } from "@/tests/integration/fixtures";
import { givenModel, registryCounts, unique } from "@/tests/integration/registry/fixtures";

async function givenOutcomeFor(modelId: string) {
  const endpoint = await db().endpoint.create({
    data: { name: unique("ep"), modelId, environment: "PRODUCTION", target: "LOCAL" },
  });
  await db().predictionOutcome.create({
    data: {
      predictionId: crypto.randomUUID(),
      source: "FEEDBACK",
      endpointId: endpoint.id,
      variantName: "v1",
      predictedAt: new Date(),
      label: "1",
      inclusionProbability: 1,
      knownAt: new Date(),
    },
  });
}

describe("a classifier's classes and decision threshold", () => {
  it("defaults to 0/1 at 0.5, is set at creation and changed later with an audit row", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const plain = await givenModel(ctx);
    expect((await getModel(ctx, plain.name)).outcome).toEqual({ classes: ["0", "1"], decisionThreshold: 0.5 });

    const name = unique("fraud");
    await createModel(ctx, {
      name,
      taskType: "CLASSIFICATION",
      outcomeClasses: ["legit", "fraud"],
      decisionThreshold: 0.7,
    });
    expect((await getModel(ctx, name)).outcome).toEqual({ classes: ["legit", "fraud"], decisionThreshold: 0.7 });

    const changed = await setOutcomeSettings(ctx, name, { decisionThreshold: 0.4 });
    expect(changed).toEqual({ model: name, classes: ["legit", "fraud"], decisionThreshold: 0.4 });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "model.outcome-settings" } });
    expect(audit.before).toEqual({ classes: ["legit", "fraud"], decisionThreshold: 0.7 });
    expect(audit.after).toEqual({ classes: ["legit", "fraud"], decisionThreshold: 0.4 });
  });

  it("has none for regressors, and refuses them classes with 400 and nothing written", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const name = unique("eta");
    await createModel(ctx, { name, taskType: "REGRESSION" });
    expect((await getModel(ctx, name)).outcome).toBeNull();
    const before = await registryCounts();
    await expect(setOutcomeSettings(ctx, name, { decisionThreshold: 0.3 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      createModel(ctx, { name: unique("eta"), taskType: "REGRESSION", outcomeClasses: ["a", "b"] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await registryCounts()).toEqual(before);
  });

  it("refuses bad classes and thresholds before writing anything", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const { name } = await givenModel(ctx);
    const before = await registryCounts();
    for (const changes of [
      { outcomeClasses: ["only-one"] },
      { outcomeClasses: ["a", "a"] },
      { outcomeClasses: ["a", " "] },
      { decisionThreshold: 0 },
      { decisionThreshold: 1 },
      { decisionThreshold: Number.NaN },
      {},
    ]) {
      await expect(setOutcomeSettings(ctx, name, changes), JSON.stringify(changes)).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    expect(await registryCounts()).toEqual(before);
  });

  it("keeps the classes once ground truth names them (409), while the threshold may still move", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const model = await givenModel(ctx);
    await givenOutcomeFor(model.id);
    await expect(setOutcomeSettings(ctx, model.name, { outcomeClasses: ["no", "yes"] })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect((await getModel(ctx, model.name)).outcome?.classes).toEqual(["0", "1"]);
    await expect(
      setOutcomeSettings(ctx, model.name, { outcomeClasses: ["0", "1"], decisionThreshold: 0.6 }),
    ).resolves.toMatchObject({ decisionThreshold: 0.6 });
  });
});
