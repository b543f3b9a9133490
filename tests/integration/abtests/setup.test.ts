import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { sampleSizeForProportions } from "@/server/services/abtests/statistics/sample-size";
import { DAY_MS, givenServedModel } from "@/tests/integration/abtests/served-model";
import { givenUser } from "@/tests/integration/fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

const setup = (endpointName: string, overrides: Record<string, unknown> = {}) => ({
  endpointName,
  name: "gbt vs lr",
  championWeight: 50,
  challengers: [{ version: 2, weight: 50 }],
  preRegistration: { primaryMetric: "precision" as const, mde: 0.05 },
  ...overrides,
});

async function auditCount(entityId?: string) {
  return db().auditLog.count({ where: { action: "abtests.create", ...(entityId && { entityId }) } });
}

describe("A/B test setup", () => {
  it("pre-registers from the champion's measured ground truth and its outcome traffic since the first", async () => {
    const { owner, endpoint, model, versions } = await givenServedModel("AB team", 700);
    // Reviewed labels of stratified samples (all wrong here) are left out of the baseline and the traffic.
    await db().predictionOutcome.createMany({
      data: Array.from({ length: 100 }, () => ({
        predictionId: randomUUID(),
        source: "REVIEW" as const,
        endpointId: endpoint.id,
        variantName: `${model.name}-v1`,
        versionId: versions[0]!.id,
        predictedAt: new Date(Date.now() - DAY_MS),
        predictedLabel: "1",
        label: "0",
        inclusionProbability: 0.5,
        knownAt: new Date(),
      })),
    });
    const caller = await trpcCallerFor(owner.user.id);
    const preview = await caller.abTests.preview(setup(endpoint.name));
    expect(await db().abTest.count({ where: { endpointId: endpoint.id } })).toBe(0);
    const test = await caller.abTests.create(setup(endpoint.name));
    expect(preview.preRegistration.requiredPerArm).toEqual(test.preRegistration.requiredPerArm);
    expect(preview.arms.map((arm) => arm.variantName)).toEqual(test.arms.map((arm) => arm.variantName));
    expect(test.status).toBe("PLANNED");
    expect(test.arms.map((arm) => [arm.role, arm.version, arm.weight, arm.variantName])).toEqual([
      ["CHAMPION", 1, 50, `${model.name}-v1`],
      ["CHALLENGER", 2, 50, `${model.name}-v2`],
    ]);
    const plan = test.preRegistration;
    // 700 outcomes, every one a positive prediction, 4 in 5 right: precision 0.8 measured from all of them.
    expect(plan).toMatchObject({ baseline: 0.8, baselineSource: "measured", baselineUnits: 700, alpha: 0.05 });
    const expected = sampleSizeForProportions(0.8, 0.05, { design: "msprt" });
    expect(plan.requiredPerArm).toEqual({
      [`${model.name}-v1`]: expected.control,
      [`${model.name}-v2`]: expected.treatment,
    });
    // 700 outcomes over the 4 days and a minute since the first (served-model.ts), not over the whole week.
    expect(plan.unitsPerDay).toBeCloseTo((700 * DAY_MS) / (4 * DAY_MS + 60_000), 0);
    expect(plan.expectedDays).toBeCloseTo(Math.round((expected.treatment / (plan.unitsPerDay / 2)) * 10) / 10, 6);
    expect(test.metrics).toEqual([
      { key: "error_rate", role: "GUARDRAIL" },
      { key: "latency_p99", role: "GUARDRAIL" },
    ]);
    expect(await auditCount(test.id)).toBe(1);
    const listed = await caller.abTests.list({ search: model.name });
    expect(listed.items.map((item) => item.id)).toEqual([test.id]);
  });

  it("refuses bad set-ups with a 4xx naming the problem, writing nothing", async () => {
    const { owner, endpoint } = await givenServedModel("AB team", 10);
    const caller = await trpcCallerFor(owner.user.id);
    const before = await db().abTest.count();
    const audits = await auditCount();
    const refused = async (input: Record<string, unknown>, code: TRPCError["code"], message: RegExp) => {
      const error = await caller.abTests.create(setup(endpoint.name, input) as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe(code);
      expect((error as TRPCError).message).toMatch(message);
    };
    await refused({ championWeight: 60 }, "BAD_REQUEST", /sum to 100/);
    await refused({ challengers: [{ version: 1, weight: 50 }] }, "BAD_REQUEST", /is the champion/);
    await refused({ challengers: [{ version: 9, weight: 50 }] }, "NOT_FOUND", /Version 9/);
    await refused({}, "BAD_REQUEST", /too little ground truth/);
    await refused(
      { preRegistration: { primaryMetric: "absolute_error", mde: 1, baseline: 3 } },
      "BAD_REQUEST",
      /does not apply to a classification model/,
    );
    await refused(
      { preRegistration: { primaryMetric: "latency_p99", mde: 1, baseline: 0.5 } },
      "BAD_REQUEST",
      /cannot be a primary metric/,
    );
    await refused(
      { preRegistration: { primaryMetric: "precision", mde: 0.3, baseline: 0.8 } },
      "BAD_REQUEST",
      /leaves the rate's range/,
    );
    await refused({ endpointName: "no-such-endpoint" }, "NOT_FOUND", /no-such-endpoint/);
    expect(await db().abTest.count()).toBe(before);
    expect(await auditCount()).toBe(audits);
  });

  it("uses an entered baseline, and refuses a second test of the same name on the endpoint", async () => {
    const { owner, endpoint } = await givenServedModel("AB team");
    const caller = await trpcCallerFor(owner.user.id);
    const input = setup(endpoint.name, {
      preRegistration: { primaryMetric: "error_rate", mde: 0.005, baseline: 0.01, alpha: 0.01, power: 0.9 },
      championWeight: 80,
      challengers: [
        { version: 2, weight: 10 },
        { version: 3, weight: 10 },
      ],
    });
    const test = await caller.abTests.create(input);
    expect(test.preRegistration).toMatchObject({ baselineSource: "entered", baselineUnits: 0, expectedDays: null });
    // The primary metric is not also a guardrail.
    expect(test.metrics).toEqual([{ key: "latency_p99", role: "GUARDRAIL" }]);
    const required = Object.values(test.preRegistration.requiredPerArm);
    expect(required).toHaveLength(3);
    // The champion has 8× a challenger's traffic, so it needs fewer units than it has by the time they finish.
    // Two challengers: each compared with the champion at α / 2.
    expect(test.preRegistration.comparisonAlpha).toBe(0.005);
    const lower = sampleSizeForProportions(0.01, -0.005, { alpha: 0.005, power: 0.9, ratio: 1 / 8, design: "msprt" });
    expect(test.preRegistration.requiredPerArm[test.arms[1]!.variantName]).toBe(lower.treatment);
    await expect(caller.abTests.create(input)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("refuses an endpoint that already splits traffic between versions", async () => {
    const { owner, endpoint, versions, model } = await givenServedModel("AB team");
    await db().endpointVariant.update({
      where: { endpointId_variantName: { endpointId: endpoint.id, variantName: `${model.name}-v1` } },
      data: { weight: 90 },
    });
    await db().endpointVariant.create({
      data: { endpointId: endpoint.id, versionId: versions[2]!.id, variantName: `${model.name}-v3`, weight: 10 },
    });
    const caller = await trpcCallerFor(owner.user.id);
    await expect(
      caller.abTests.create(
        setup(endpoint.name, { preRegistration: { primaryMetric: "accuracy", mde: 0.05, baseline: 0.8 } }),
      ),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("already splits traffic") });
  });

  it("lets only the endpoint's team's data scientists set a test up; others read", async () => {
    const { endpoint } = await givenServedModel("AB owners");
    const outsider = await givenUser("DATA_SCIENTIST", "AB others");
    const manager = await givenUser("MANAGER", "AB owners");
    const input = setup(endpoint.name, { preRegistration: { primaryMetric: "accuracy", mde: 0.05, baseline: 0.8 } });
    for (const person of [outsider, manager]) {
      const caller = await trpcCallerFor(person.user.id);
      await expect(caller.abTests.create(input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await db().abTest.count({ where: { endpointId: endpoint.id } })).toBe(0);
    const reader = await trpcCallerFor(manager.user.id);
    await expect(reader.abTests.list({})).resolves.toMatchObject({ items: expect.any(Array) });
  });
});
