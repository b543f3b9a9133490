import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { MAX_LOOK_POINTS } from "@/server/services/abtests/schemas";
import { givenServedModel } from "@/tests/integration/abtests/served-model";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";
import { analysis } from "@/tests/unit/abtests-ui/analysis-fixture";

const MINUTE_MS = 60_000;
const T0 = new Date("2026-11-01T00:00:00.000Z").getTime();

/** A classifier serving v1 on an endpoint, and a planned test of v2 and v3 against it (accuracy, default guardrails). */
async function givenTest() {
  const { owner, endpoint, model } = await givenServedModel("Looks team");
  const caller = await trpcCallerFor(owner.user.id);
  const test = await caller.abTests.create({
    endpointName: endpoint.name,
    name: "two challengers",
    championWeight: 50,
    challengers: [
      { version: 2, weight: 25 },
      { version: 3, weight: 25 },
    ],
    preRegistration: { primaryMetric: "accuracy", mde: 0.05, baseline: 0.8 },
  });
  return { caller, test, v2: `${model.name}-v2`, v3: `${model.name}-v3` };
}

/** `count` looks of one series, one a minute from T0 (each look's estimate is its index, so a point says which it is). */
async function givenLooks(testId: string, metric: string, variantName: string, count: number, order = "oldest first") {
  const indices = Array.from({ length: count }, (_, i) => i);
  if (order === "newest first") indices.reverse();
  await db().abTestLook.createMany({
    data: indices.map((i) => ({
      testId,
      metric,
      variantName,
      at: new Date(T0 + i * MINUTE_MS),
      controlUnits: 10 * i,
      treatmentUnits: 10 * i + 1,
      controlValue: 0.8,
      treatmentValue: 0.81,
      estimate: i,
      lower: i - 1,
      upper: i + 1,
      pValue: i === 0 ? null : 1 / (i + 1),
    })),
  });
}

describe("abTests.looks", () => {
  it("returns each series oldest first, in the test's metric order (primary first) and challenger order", async () => {
    const { caller, test, v2, v3 } = await givenTest();
    await givenLooks(test.id, "latency_p99", v2, 3, "newest first");
    await givenLooks(test.id, "accuracy", v3, 4, "newest first");
    await givenLooks(test.id, "accuracy", v2, 2);
    // A metric the test does not carry is no series of it.
    await givenLooks(test.id, "recall", v2, 2);
    const { series } = await caller.abTests.looks({ testId: test.id });
    expect(series.map((s) => [s.metric, s.variantName, s.points.length])).toEqual([
      ["accuracy", v2, 2],
      ["accuracy", v3, 4],
      ["latency_p99", v2, 3],
    ]);
    const points = series[1]!.points;
    expect(points.map((p) => p.at.getTime())).toEqual([0, 1, 2, 3].map((i) => T0 + i * MINUTE_MS));
    expect(points[2]).toEqual({
      at: new Date(T0 + 2 * MINUTE_MS),
      estimate: 2,
      lower: 1,
      upper: 3,
      pValue: 1 / 3,
      controlUnits: 20,
      treatmentUnits: 21,
    });
    expect(points[0]!.pValue).toBeNull();
  });

  it("filters by metric", async () => {
    const { caller, test, v2, v3 } = await givenTest();
    await givenLooks(test.id, "accuracy", v2, 2);
    await givenLooks(test.id, "error_rate", v2, 2);
    await givenLooks(test.id, "error_rate", v3, 1);
    const { series } = await caller.abTests.looks({ testId: test.id, metric: "error_rate" });
    expect(series.map((s) => [s.metric, s.variantName, s.points.length])).toEqual([
      ["error_rate", v2, 2],
      ["error_rate", v3, 1],
    ]);
    expect(await caller.abTests.looks({ testId: test.id, metric: "latency_p95" })).toEqual({ series: [] });
    const refused = await caller.abTests
      .looks({ testId: test.id, metric: "nonsense" as never })
      .catch((e: unknown) => e);
    expect((refused as TRPCError).code).toBe("BAD_REQUEST");
  });

  it(`keeps a series whole up to ${MAX_LOOK_POINTS} looks and thins a longer one to evenly spaced looks plus the last`, async () => {
    const { caller, test, v2, v3 } = await givenTest();
    await givenLooks(test.id, "accuracy", v2, MAX_LOOK_POINTS);
    await givenLooks(test.id, "accuracy", v3, 2_000);
    const [whole, thinned] = (await caller.abTests.looks({ testId: test.id, metric: "accuracy" })).series;
    expect(whole!.points.map((p) => p.estimate)).toEqual(Array.from({ length: MAX_LOOK_POINTS }, (_, i) => i));
    const indices = thinned!.points.map((p) => p.estimate!);
    expect(indices.length).toBeLessThanOrEqual(MAX_LOOK_POINTS);
    expect(indices.length).toBeGreaterThan(MAX_LOOK_POINTS - 10);
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(1_999);
    const gaps = indices.slice(1).map((index, i) => index - indices[i]!);
    // 1,999 minutes over 299 steps: every gap is 6 or 7 looks, none bunched up or skipped over.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(6);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(7);
    expect(thinned!.points.map((p) => p.at.getTime())).toEqual(indices.map((i) => T0 + i * MINUTE_MS));
  });

  it("thins a series just over the bound and keeps its last look", async () => {
    const { caller, test, v2 } = await givenTest();
    await givenLooks(test.id, "accuracy", v2, MAX_LOOK_POINTS + 1);
    const [series] = (await caller.abTests.looks({ testId: test.id })).series;
    const indices = series!.points.map((p) => p.estimate);
    expect(indices.length).toBeLessThanOrEqual(MAX_LOOK_POINTS);
    expect(indices[0]).toBe(0);
    expect(indices.at(-1)).toBe(MAX_LOOK_POINTS);
    expect(new Set(indices).size).toBe(indices.length);
  });

  it("is NOT_FOUND for an unknown test, and empty for a test without looks", async () => {
    const { caller, test } = await givenTest();
    const error = await caller.abTests.looks({ testId: "no-such-test" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("NOT_FOUND");
    expect(await caller.abTests.looks({ testId: test.id })).toEqual({ series: [] });
  });
});

describe("abTests.get with an analysis", () => {
  it("carries the stored analysis and its time, and shows one that no longer parses as none", async () => {
    const { caller, test } = await givenTest();
    expect(test).toMatchObject({ analysis: null, analyzedAt: null });
    const stored = analysis();
    const analyzedAt = new Date(stored.at);
    await db().abTest.update({ where: { id: test.id }, data: { analysis: stored, analyzedAt } });
    expect(await caller.abTests.get({ testId: test.id })).toMatchObject({ analysis: stored, analyzedAt });
    await db().abTest.update({ where: { id: test.id }, data: { analysis: { at: "yesterday", verdicts: 3 } } });
    expect(await caller.abTests.get({ testId: test.id })).toMatchObject({ analysis: null, analyzedAt });
  });
});
