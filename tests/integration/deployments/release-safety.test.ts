import { rm } from "node:fs/promises";
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";
import { runDeployment } from "@/server/services/deployments/run-deployment";
import { env } from "@/server/env";
import { givenUser } from "@/tests/integration/fixtures";
import { raceTwoApprovals } from "@/tests/integration/deployments/race-approvals";
import {
  approvedProduction,
  givenModelWithVersions,
  productionVersion,
  resetWorld,
  RETRYING,
  runtime,
  stepsOf,
  world,
} from "@/tests/integration/deployments/state-machine-fixtures";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

// Invariants: a failed release never changes what serves beyond what it restores exactly; every path ends SUCCEEDED,
// ROLLED_BACK or FAILED; a rollback decision survives a crash; one deployment per endpoint; each step runs once.

beforeEach(resetWorld);

/** A model whose v1 serves production at 100%, and a v2 ready to be promoted. */
async function servingV1() {
  const given = await givenModelWithVersions(2);
  const first = await approvedProduction(given.scientist.ctx, given.reviewer.ctx, given.name, 1, {
    kind: "all-at-once",
  });
  expect(await runDeployment(db(), first, runtime())).toBe("SUCCEEDED");
  world.target.calls.length = 0;
  const endpoint = await db().endpoint.findFirstOrThrow({ where: { name: `${given.name}-production-local` } });
  return { ...given, endpoint };
}

const servedVariants = async (endpointId: string) =>
  (await db().endpointVariant.findMany({ where: { endpointId }, orderBy: { variantName: "asc" } })).map((v) => ({
    variantName: v.variantName,
    versionId: v.versionId,
    weight: v.weight,
    instanceType: v.instanceType,
    instanceCount: v.instanceCount,
  }));

const deploymentRow = (id: string) =>
  db().deployment.findUniqueOrThrow({ where: { id }, include: { promotion: true } });

describe("a release that fails before anything is applied", () => {
  it("ends FAILED with the reason and touches nothing when the artifact's bytes are gone", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    const before = await servedVariants(endpoint.id);
    const v2 = await db().modelVersion.findFirstOrThrow({
      where: { version: 2, model: { name } },
      include: { artifact: true },
    });
    await rm(new LocalArtifactStore(env().ARTIFACT_ROOT).blobPath(v2.artifact!.sha256));

    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, { kind: "all-at-once" });
    expect(await runDeployment(db(), id, runtime())).toBe("FAILED");
    expect(await deploymentRow(id)).toMatchObject({
      status: "FAILED",
      failureReason: "The artifact's bytes are missing from the artifact store",
      promotion: { status: "FAILED" },
      leaseOwner: null,
    });
    expect(world.target.calls).toEqual([]);
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 100 });
    expect(await servedVariants(endpoint.id)).toEqual(before);
    expect(await productionVersion(name)).toBe(1);
    expect(await stepsOf(id)).toEqual([
      "record-prior-state#1:SUCCEEDED",
      "validate-artifact#1:FAILED",
      "rollback#1:SUCCEEDED",
    ]);
  });

  it("ends FAILED without touching the endpoint when the version has no valid signature", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    await db().modelVersion.updateMany({ where: { version: 2, model: { name } }, data: { signature: {} } });
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, { kind: "all-at-once" });
    expect(await runDeployment(db(), id, runtime())).toBe("FAILED");
    expect((await deploymentRow(id)).failureReason).toBe("Version 2 has no valid input signature");
    expect(world.target.calls).toEqual([]);
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 100 });
  });
});

describe("a release the target refuses", () => {
  it("restores exactly the variants, weights and sizing that served before", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    const before = await servedVariants(endpoint.id);
    world.target.refuseApply = (spec) =>
      spec.variants.some((v) => v.version === 2)
        ? Object.assign(new Error("422: the model cannot be loaded"), { retryable: false })
        : null;
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      kind: "canary",
      canaryPercent: 10,
      bakeSeconds: 1,
    });
    expect(await runDeployment(db(), id, runtime())).toBe("ROLLED_BACK");
    expect((await deploymentRow(id)).failureReason).toBe("422: the model cannot be loaded");
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 100 });
    expect(world.target.calls).toEqual([`apply ${name}-v1=100`]);
    expect(await servedVariants(endpoint.id)).toEqual(before);
    expect(await productionVersion(name)).toBe(1);
  });

  it("ends FAILED, never RUNNING, when the rollback cannot be done either, saying what the target serves", async () => {
    const { scientist, reviewer, name } = await servingV1();
    world.readings[`${name}-v2`] = { requests: 100, errorRate: 0.5, p99Ms: 10 };
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      kind: "canary",
      canaryPercent: 10,
      bakeSeconds: 2,
    });
    world.target.refuseApply = (spec) =>
      spec.variants.length === 1 && spec.variants[0]!.version === 1
        ? Object.assign(new Error("503 runtime unavailable"), { retryable: false })
        : null;
    expect(await runDeployment(db(), id, runtime())).toBe("FAILED");
    const row = await deploymentRow(id);
    expect(row.status).toBe("FAILED");
    expect(row.promotion.status).toBe("FAILED");
    expect(row.failureReason).toMatch(/^Guardrail breached by .*-v2: error rate 50\.0%/);
    expect(row.failureReason).toMatch(/Rolling back failed too: 503 runtime unavailable/);
    expect(row.failureReason).toMatch(new RegExp(`The target reports: healthy: ${name}-v1=90%, ${name}-v2=10%`));
    expect(await productionVersion(name)).toBe(1);
  });
});

describe("a rollback interrupted by a crash", () => {
  it("is resumed by the next attempt, which never re-runs the bake", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    const before = await servedVariants(endpoint.id);
    world.readings[`${name}-v2`] = { requests: 100, errorRate: 0.5, p99Ms: 10 };
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      kind: "canary",
      canaryPercent: 20,
      bakeSeconds: 2,
    });
    let restoreFails = true;
    world.target.refuseApply = (spec) =>
      restoreFails && spec.variants.length === 1 && spec.variants[0]!.version === 1
        ? new Error("socket hang up")
        : null;
    await expect(runDeployment(db(), id, runtime(), RETRYING)).rejects.toThrow(/socket hang up/);
    expect(await deploymentRow(id)).toMatchObject({
      status: "ROLLING_BACK",
      failureReason: expect.stringMatching(/Guardrail breached/),
    });

    // The candidate now looks healthy: a resumed bake would pass it. The decision stands; the rollback resumes.
    world.readings[`${name}-v2`] = { requests: 100, errorRate: 0, p99Ms: 10 };
    restoreFails = false;
    expect(await runDeployment(db(), id, runtime("another-worker"))).toBe("ROLLED_BACK");
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 100 });
    expect(await servedVariants(endpoint.id)).toEqual(before);
    const steps = await stepsOf(id);
    expect(steps.filter((s) => s.startsWith("bake:1"))).toEqual(["bake:1#1:FAILED"]);
    expect(steps.slice(-2)).toEqual(["rollback#1:FAILED", "rollback#2:SUCCEEDED"]);
  });
});

describe("a bake retried after a crash", () => {
  it("continues its first window instead of starting a fresh one", async () => {
    const { scientist, reviewer, name } = await servingV1();
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      kind: "canary",
      canaryPercent: 10,
      bakeSeconds: 60,
    });
    let failRead = true;
    const crashing = runtime();
    crashing.guardrails = () => ({
      mark: async () => null,
      read: async () => {
        if (failRead) throw new Error("scrape timed out");
        return { requests: 100, errorRate: 0, p99Ms: 5 };
      },
    });
    await expect(runDeployment(db(), id, crashing, RETRYING)).rejects.toThrow(/scrape timed out/);
    // The crashed bake began 61 s ago: its window is over, so the retry takes one reading and moves on.
    await db().deploymentEvent.updateMany({
      where: { deploymentId: id, step: "bake:1" },
      data: { startedAt: new Date(Date.now() - 61_000) },
    });
    failRead = false;
    expect(await runDeployment(db(), id, crashing)).toBe("SUCCEEDED");
    const bake = await db().deploymentEvent.findFirstOrThrow({
      where: { deploymentId: id, step: "bake:1", outcome: "SUCCEEDED" },
    });
    expect(bake.details).toEqual({ checks: 1, requests: 100 });
  });
});

describe("a bake resumed by another worker", () => {
  it("reads its whole window against the counters its first try marked, not from where it resumed", async () => {
    const { scientist, reviewer, name } = await servingV1();
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      kind: "canary",
      canaryPercent: 10,
      bakeSeconds: 60,
    });
    // Cumulative counters, as the local runtime's /metrics has them; a fresh runtime object per worker.
    const counters = { requests: 1000, errors: 0 };
    const marks: unknown[] = [];
    let crash = true;
    const worker = (owner: string) => {
      const base = runtime(owner);
      base.guardrails = () => ({
        mark: async () => ({ ...counters, buckets: [] }),
        read: async (_window, mark) => {
          marks.push(mark);
          if (crash) throw new Error("worker died mid-bake");
          const requests = counters.requests - (mark?.requests ?? 0);
          return { requests, errorRate: requests ? (counters.errors - (mark?.errors ?? 0)) / requests : 0, p99Ms: 5 };
        },
      });
      return base;
    };
    await expect(runDeployment(db(), id, worker("worker-a"), RETRYING)).rejects.toThrow(/worker died mid-bake/);
    // While nobody watched, the candidate answered 30 requests and failed 12 of them.
    counters.requests += 30;
    counters.errors += 12;
    await db().deploymentEvent.updateMany({
      where: { deploymentId: id, step: "bake:1" },
      data: { startedAt: new Date(Date.now() - 61_000) },
    });
    crash = false;
    expect(await runDeployment(db(), id, worker("worker-b"))).toBe("ROLLED_BACK");
    expect(marks.at(-1)).toEqual({ requests: 1000, errors: 0, buckets: [] });
    const deployment = await db().deployment.findUniqueOrThrow({ where: { id } });
    expect(deployment.failureReason).toMatch(/error rate 40\.0% over 30 requests/);
  });
});

describe("concurrency", () => {
  it("lets only one of two approvals committing at once start a deployment on an endpoint", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    const second = await givenUser("MANAGER");
    const { requests, decisions } = await raceTwoApprovals(scientist.ctx, [reviewer.ctx, second.ctx], {
      modelName: name,
      version: 2,
      target: "LOCAL",
      strategy: { kind: "all-at-once" },
    });
    expect(decisions.filter((d) => d.status === "fulfilled")).toHaveLength(1);
    expect(decisions.find((d) => d.status === "rejected")).toMatchObject({
      reason: { code: "CONFLICT", message: expect.stringMatching(/already has a deployment in progress/) },
    });
    expect(await db().deployment.count({ where: { endpointId: endpoint.id, status: "QUEUED" } })).toBe(1);
    const statuses = await db().promotion.findMany({
      where: { id: { in: requests.map((r) => r.promotion.id) } },
      select: { status: true },
    });
    expect(statuses.map((s) => s.status).sort()).toEqual(["APPROVED", "PENDING_APPROVAL"]);
    // Whatever path a second insert takes, the database refuses a second deployment in progress on the endpoint.
    const pending = await db().promotion.findFirstOrThrow({
      where: { id: { in: requests.map((r) => r.promotion.id) }, status: "PENDING_APPROVAL" },
    });
    await expect(
      db().deployment.create({ data: { promotionId: pending.id, endpointId: endpoint.id, status: "RUNNING" } }),
    ).rejects.toMatchObject({ code: "P2002" });
  });

  it("runs each step once when two workers take the same deployment at once", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    world.readings[`${name}-v2`] = { requests: 100, errorRate: 0, p99Ms: 5 };
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      kind: "canary",
      canaryPercent: 10,
      bakeSeconds: 1,
    });
    const outcomes = await Promise.all([
      runDeployment(db(), id, runtime("worker-a", 1000)),
      runDeployment(db(), id, runtime("worker-b", 1000)),
    ]);
    expect(outcomes).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    const steps = await stepsOf(id);
    expect(steps.every((s) => s.endsWith("#1:SUCCEEDED"))).toBe(true);
    expect(new Set(steps).size).toBe(steps.length);
    expect(world.target.calls).toEqual([
      `apply ${name}-v1=100,${name}-v2=0`,
      `weights ${name}-v2=10,${name}-v1=90`,
      `weights ${name}-v2=100,${name}-v1=0`,
      `apply ${name}-v2=100`,
    ]);
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v2`]: 100 });
  });

  it("takes over a deployment whose worker died once its lease has lapsed", async () => {
    const { scientist, reviewer, name } = await servingV1();
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, { kind: "all-at-once" });
    await db().deployment.update({
      where: { id },
      data: { status: "RUNNING", leaseOwner: "dead-worker", leaseExpiresAt: new Date(Date.now() - 1000) },
    });
    expect(await runDeployment(db(), id, runtime("survivor"))).toBe("SUCCEEDED");
    expect(await productionVersion(name)).toBe(2);
  });
});

describe("cancelling a stuck deployment", () => {
  it("lets an admin end it FAILED, audited, and stops the worker still holding it at its next step", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    world.readings[`${name}-v2`] = { requests: 100, errorRate: 0, p99Ms: 5 };
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      kind: "canary",
      canaryPercent: 10,
      bakeSeconds: 30,
    });
    const running = runDeployment(db(), id, runtime("slow-worker", 600));
    await expect.poll(async () => (await stepsOf(id)).includes("bake:1#1:RUNNING"), { timeout: 10_000 }).toBe(true);

    const admin = await givenUser("ADMIN");
    const asScientist = await trpcCallerFor(scientist.user.id);
    await expect(asScientist.deployments.cancel({ deploymentId: id, reason: "stuck" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const asAdmin = await trpcCallerFor(admin.user.id);
    await expect(asAdmin.deployments.cancel({ deploymentId: id, reason: "  " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await asAdmin.deployments.cancel({ deploymentId: id, reason: "The bake hangs" })).toEqual({
      status: "FAILED",
      failureReason: `Cancelled by ${admin.user.name}: The bake hangs`,
    });
    expect(await running).toBe("SUPERSEDED");
    expect(await deploymentRow(id)).toMatchObject({ status: "FAILED", promotion: { status: "FAILED" } });
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 90, [`${name}-v2`]: 10 });
    expect(
      await db().auditLog.findFirstOrThrow({ where: { action: "deployment.cancel", entityId: id } }),
    ).toMatchObject({ actorId: admin.user.id, before: { status: "RUNNING" }, after: { reason: "The bake hangs" } });
    await expect(asAdmin.deployments.cancel({ deploymentId: id, reason: "again" })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    // The endpoint is free for the next release.
    const next = await approvedProduction(scientist.ctx, reviewer.ctx, name, 1, { kind: "all-at-once" });
    expect(await runDeployment(db(), next, runtime())).toBe("SUCCEEDED");
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 100 });
  });
});

describe("a bake that sees too few requests to judge the candidate", () => {
  const quiet = { kind: "canary", canaryPercent: 10, bakeSeconds: 1 } as const;

  it("extends its window, then waits for a person, who can continue it without a verdict", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    world.readings[`${name}-v2`] = { requests: 3, errorRate: 0, p99Ms: 5 };
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, { ...quiet, tooFewRequests: "ask" });
    const started = Date.now();
    expect(await runDeployment(db(), id, runtime())).toBe("AWAITING_DECISION");
    // The 1 s window was extended twice before asking.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(await deploymentRow(id)).toMatchObject({ status: "AWAITING_DECISION", leaseOwner: null });
    const waiting = await db().deploymentEvent.findFirstOrThrow({ where: { deploymentId: id, step: "bake:1" } });
    expect(waiting).toMatchObject({
      outcome: "WAITING",
      message: expect.stringMatching(new RegExp(`^Only 3 requests reached ${name}-v2 in 3 s; at least 20 are needed`)),
    });
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 90, [`${name}-v2`]: 10 });
    // Nobody else can start a deployment on the endpoint meanwhile, and a job for it does nothing.
    expect(await runDeployment(db(), id, runtime("another"))).toBe("AWAITING_DECISION");

    const viewer = await givenUser("VIEWER");
    await expect(
      (await trpcCallerFor(viewer.user.id)).deployments.decideRollout({ deploymentId: id, proceed: true, reason: "x" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const caller = await trpcCallerFor(scientist.user.id);
    expect(
      await caller.deployments.decideRollout({ deploymentId: id, proceed: true, reason: "Nightly traffic is low" }),
    ).toEqual({ status: "RUNNING" });
    await expect(
      caller.deployments.decideRollout({ deploymentId: id, proceed: true, reason: "again" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await runDeployment(db(), id, runtime())).toBe("SUCCEEDED");
    expect(await productionVersion(name)).toBe(2);
    const steps = await stepsOf(id);
    expect(steps).toContain("bake:1#1:WAITING");
    expect(steps).toContain("decide-bake:1#1:SUCCEEDED");
    expect(steps).toContain("bake:1#2:SUCCEEDED");
    expect(
      await db().auditLog.findFirstOrThrow({ where: { action: "deployment.decide", entityId: id } }),
    ).toMatchObject({ actorId: scientist.user.id, after: { status: "RUNNING", proceed: true } });
  });

  it("rolls back when the person says so, with who and why in the reason", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, { ...quiet, tooFewRequests: "ask" });
    expect(await runDeployment(db(), id, runtime())).toBe("AWAITING_DECISION");
    const caller = await trpcCallerFor(scientist.user.id);
    expect(
      await caller.deployments.decideRollout({ deploymentId: id, proceed: false, reason: "Wait for Monday" }),
    ).toEqual({ status: "ROLLING_BACK" });
    expect(await runDeployment(db(), id, runtime())).toBe("ROLLED_BACK");
    expect((await deploymentRow(id)).failureReason).toMatch(/rolled back: Wait for Monday$/);
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 100 });
  });

  it("rolls back by itself when the rollout policy says so", async () => {
    const { scientist, reviewer, name, endpoint } = await servingV1();
    const id = await approvedProduction(scientist.ctx, reviewer.ctx, name, 2, {
      ...quiet,
      tooFewRequests: "roll-back",
    });
    expect(await runDeployment(db(), id, runtime())).toBe("ROLLED_BACK");
    expect((await deploymentRow(id)).failureReason).toMatch(
      /^Only 0 requests reached .* at least 20 are needed to judge it \(the rollout policy rolls back\)$/,
    );
    expect(world.target.endpoints.get(endpoint.name)).toEqual({ [`${name}-v1`]: 100 });
  });
});
