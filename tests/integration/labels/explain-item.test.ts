import { beforeAll, describe, expect, it } from "vitest";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import { sampleQueue } from "@/server/services/labels/sampling";
import {
  createdOnDay,
  DAY,
  givenClassifier,
  givenQueue,
  insertPredictions,
  lateClock,
  uuidOf,
} from "@/tests/integration/labels/fixtures";
import { personWithCaller, trpcOutcome } from "@/tests/integration/support/trpc-caller";
import { buildModelCatalog, type BuiltModel } from "@/training/catalog";
import type { Dataset } from "@/training/dataset";

// labels.explainItem: why the version that predicted a label item answered what it did, from its stored ONNX model.
// Invariants: never while the item is labelled blind; only reviewers of the model's team; the explanation is of the
// item's own version and features and adds up to the model's output.
const TEAM = "labels-explain";

const person = (role: Role, team = TEAM) => personWithCaller(role, team);

const code = trpcOutcome;

function rowOf(data: Dataset, i: number): Record<string, number> {
  return Object.fromEntries(data.featureNames.map((name, f) => [name, data.columns[f]![i]!]));
}

/** A version of `modelId` whose artifact holds `bytes`, stored as an upload would store them. */
async function givenVersion(modelId: string, userId: string, version: number, bytes: Uint8Array, format = "ONNX") {
  const stored = await systemContextFromEnv().artifacts.put(new Blob([new Uint8Array(bytes)]).stream(), {
    maxBytes: 64 << 20,
  });
  const artifact = await db().artifact.create({
    data: { path: `model-v${version}.onnx`, sha256: stored.sha256, sizeBytes: stored.sizeBytes, createdById: userId },
  });
  return db().modelVersion.create({
    data: { modelId, version, artifactId: artifact.id, format: format as "ONNX" | "VLLM", createdById: userId },
  });
}

let world: Awaited<ReturnType<typeof setUp>>;
let gbt: BuiltModel;

/** A queue (overlap 1) over predictions of two versions: fraud-gbt (v1, exported with explanation data) and a VLLM v2. */
async function setUp() {
  const catalog = buildModelCatalog();
  gbt = catalog.find((m) => m.name === "fraud-gbt")!;
  const ds = await person("DATA_SCIENTIST");
  const reviewer = await person("REVIEWER");
  const viewer = await person("VIEWER");
  const outsider = await person("REVIEWER", "labels-explain-other");
  const { model, endpoint } = await givenClassifier(ds.ctx, ds.team.id);
  const v1 = await givenVersion(model.id, ds.user.id, 1, gbt.onnx);
  const v2 = await givenVersion(model.id, ds.user.id, 2, new TextEncoder().encode("{}"), "VLLM");
  const at = new Date(`${DAY}T05:00:00Z`);
  const rows = [0, 1, 2].map((i) => rowOf(gbt.test, i));
  await insertPredictions(endpoint, [
    ...rows.map((inputs, i) => ({
      id: uuidOf(`explain-${i}`),
      score: gbt.predict(Object.values(inputs)),
      at,
      inputs,
      versionId: v1.id,
    })),
    { id: uuidOf("explain-vllm"), score: 0.5, at, inputs: rows[0]!, versionId: v2.id },
    { id: uuidOf("explain-unknown"), score: 0.5, at, inputs: rows[0]! },
  ]);
  const queue = await givenQueue(ds.ctx, model.name, {
    sampling: { rates: { AUDIT: 1, UNCERTAINTY: 0, DISAGREEMENT: 0, DRIFT: 0, FLAGGED: 0 } },
  });
  await createdOnDay(queue.id);
  await sampleQueue({ db: db(), clock: lateClock }, queue.id);
  const items = await db().labelItem.findMany({ where: { queueId: queue.id } });
  expect(items).toHaveLength(5);
  return { ds, reviewer, viewer, outsider, queue, items, rows, v1, v2 };
}

beforeAll(async () => {
  world = await setUp();
}, 120_000);

/** Labels an item once (overlap 1), which sends it to review. */
async function toReview(itemId: string) {
  await world.ds.caller.labels.annotate({ itemId, round: 1, value: { kind: "classes", label: "fraud" } });
}

/** The item's features as explained: the row predicted (the prediction log's JSON keeps 15 significant digits). */
function expectFeatures(features: Record<string, number>, row: Record<string, number>) {
  expect(Object.keys(features)).toEqual(Object.keys(row));
  for (const [name, value] of Object.entries(row)) expect(features[name]).toBeCloseTo(value, 9);
}

const itemOf = (predictionId: string) => world.items.find((i) => i.predictionId === predictionId)!;

describe("labels.explainItem", () => {
  it("refuses an item still labelled blind, then explains it in review with its own version, adding up", async () => {
    const item = itemOf(uuidOf("explain-1"));
    expect(await code(world.reviewer.caller.labels.explainItem({ itemId: item.id }))).toBe("CONFLICT");
    await toReview(item.id);

    const answer = await world.reviewer.caller.labels.explainItem({ itemId: item.id });
    expect(answer.modelVersion).toBe(1);
    expectFeatures(answer.features, world.rows[1]!);
    const { explanation } = answer;
    expect(explanation).toMatchObject({ method: "tree-shap-path-dependent", outputSpace: "log-odds" });
    expect(Object.keys(explanation.attributions)).toEqual(gbt.test.featureNames);
    const sum = Object.values(explanation.attributions).reduce((total, value) => total + value, 0);
    expect(Math.abs(sum - (explanation.output - explanation.expectedValue))).toBeLessThanOrEqual(1e-6);
    expect(explanation.output).toBeCloseTo(gbt.predictRaw(Object.values(world.rows[1]!)), 6);
    // A second item of the same version is explained with its own features.
    const other = itemOf(uuidOf("explain-2"));
    await toReview(other.id);
    const second = await world.reviewer.caller.labels.explainItem({ itemId: other.id });
    expectFeatures(second.features, world.rows[2]!);
    expect(second.explanation.output).not.toBe(explanation.output);
  });

  it("is for reviewers of the model's team only", async () => {
    const item = itemOf(uuidOf("explain-0"));
    await toReview(item.id);
    expect(await code(world.viewer.caller.labels.explainItem({ itemId: item.id }))).toBe("FORBIDDEN");
    expect(await code(world.ds.caller.labels.explainItem({ itemId: item.id }))).toBe("FORBIDDEN");
    expect(await code(world.outsider.caller.labels.explainItem({ itemId: item.id }))).toBe("FORBIDDEN");
    expect(await code(world.reviewer.caller.labels.explainItem({ itemId: item.id }))).toBe("OK");
  });

  it("answers 4xx for what cannot be explained, and for bad input", async () => {
    const vllm = itemOf(uuidOf("explain-vllm"));
    const unknown = itemOf(uuidOf("explain-unknown"));
    await toReview(vllm.id);
    await toReview(unknown.id);
    expect(await code(world.reviewer.caller.labels.explainItem({ itemId: vllm.id }))).toBe("UNPROCESSABLE_CONTENT");
    expect(await code(world.reviewer.caller.labels.explainItem({ itemId: unknown.id }))).toBe("UNPROCESSABLE_CONTENT");
    expect(await code(world.reviewer.caller.labels.explainItem({ itemId: "no-such-item" }))).toBe("NOT_FOUND");
    expect(await code(world.reviewer.caller.labels.explainItem({ itemId: "" }))).toBe("BAD_REQUEST");
    // An item whose features no longer fit the model (a missing feature) is the caller's 422, not a 500.
    const item = itemOf(uuidOf("explain-0"));
    const { [gbt.test.featureNames[0]!]: _dropped, ...partial } = world.rows[0]!;
    await db().labelItem.update({ where: { id: item.id }, data: { inputs: partial } });
    expect(await code(world.reviewer.caller.labels.explainItem({ itemId: item.id }))).toBe("UNPROCESSABLE_CONTENT");
  });
});
