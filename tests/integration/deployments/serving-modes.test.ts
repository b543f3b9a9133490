import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { AppError } from "@/server/errors";
import { decidePromotion, requestPromotion } from "@/server/services/deployments/promotions";
import { servingModesOfVersion } from "@/server/services/deployments/serving-modes-view";
import { setVersionSla } from "@/server/services/registry/version-sla";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { givenModelWithVersions } from "@/tests/integration/deployments/state-machine-fixtures";

// Choosing a serving mode when promoting. Invariants: a promotion whose mode the target does not offer, or whose
// version's declared SLA does not fit the mode's limits, is refused with a 422 naming each limit and writes nothing
// (no promotion, no deployment, no audit row); what a reviewer approves still fits (an SLA changed since the request
// is checked again, and the promotion stays pending); bad SLA input is a 400 that changes nothing; the dialog's view
// and the server's check agree.

const MB = 1024 * 1024;

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "OK",
    (error: unknown) => (error instanceof AppError ? `${error.code}: ${error.message}` : String(error)),
  );

const counts = async (name: string) => ({
  promotions: await db().promotion.count({ where: { version: { model: { name } } } }),
  deployments: await db().deployment.count({ where: { promotion: { version: { model: { name } } } } }),
  audits: await db().auditLog.count({ where: { action: "promotion.request" } }),
});

function promote(name: string, overrides: Partial<Parameters<typeof requestPromotion>[1]> = {}) {
  return {
    modelName: name,
    version: 1,
    environment: "STAGING" as const,
    target: "SAGEMAKER" as const,
    strategy: { kind: "all-at-once" as const },
    reason: "serving mode check",
    ...overrides,
  };
}

describe("serving modes chosen by the version's SLA", () => {
  it("refuses a mode the SLA does not fit, with every reason, before writing anything; takes one it fits", async () => {
    const { scientist, name } = await givenModelWithVersions(1);
    await setVersionSla(scientist.ctx, name, 1, {
      sla: { maxPayloadBytes: 50 * MB, timeoutSeconds: 120, latencyP99Ms: 90_000 },
    });
    const before = await counts(name);
    const realTime = await codeOf(requestPromotion(scientist.ctx, promote(name, { servingMode: "REALTIME" })));
    expect(realTime).toMatch(/^UNPROCESSABLE: Version 1's SLA does not fit real time on SageMaker/);
    expect(realTime).toContain("payloads are at most 6.0 MB; the SLA needs 50.0 MB");
    expect(realTime).toContain("a request is processed within 60 s; the SLA needs 120 s");
    expect(realTime).toContain("a request is answered within 60 s; the SLA's p99 latency is 90 s");
    // Asynchronous answers are queued: a p99 latency cannot be promised there.
    const queued = await codeOf(requestPromotion(scientist.ctx, promote(name, { servingMode: "ASYNC" })));
    expect(queued).toContain("answers are queued and fetched later; the SLA's p99 latency of 90 s needs an answer");
    // Left out, the mode is the endpoint's (real time for a new one): checked all the same.
    expect(await codeOf(requestPromotion(scientist.ctx, promote(name)))).toMatch(/^UNPROCESSABLE: .*real time/);
    expect(await counts(name)).toEqual(before);

    await setVersionSla(scientist.ctx, name, 1, { sla: { maxPayloadBytes: 50 * MB, timeoutSeconds: 120 } });
    const { promotion, deploymentId } = await requestPromotion(scientist.ctx, promote(name, { servingMode: "ASYNC" }));
    expect(promotion.servingMode).toBe("ASYNC");
    expect(promotion.gates).toEqual([
      {
        gate: "serving-sla",
        passed: true,
        detail: "SLA (payload ≤ 50.0 MB, timeout 120 s) fits asynchronous on SageMaker",
      },
    ]);
    expect(deploymentId).not.toBeNull();
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: promotion.id } });
    expect(audit.after).toMatchObject({ servingMode: "ASYNC" });
  });

  it("offers each target its own modes: Kubernetes serves real time only, the local runtime both", async () => {
    const { scientist, name } = await givenModelWithVersions(1);
    const kubernetes = await codeOf(
      requestPromotion(scientist.ctx, promote(name, { target: "KUBERNETES", servingMode: "ASYNC" })),
    );
    expect(kubernetes).toBe("UNPROCESSABLE: Kubernetes serves real time here, not asynchronous");
    await setVersionSla(scientist.ctx, name, 1, { sla: { maxPayloadBytes: 100 * MB } });
    const view = await servingModesOfVersion(scientist.ctx, { modelName: name, version: 1 });
    const problemsOf = (target: string) =>
      Object.fromEntries(
        view.targets.find((entry) => entry.target === target)!.modes.map((m) => [m.mode, m.problems.length]),
      );
    expect(problemsOf("LOCAL")).toEqual({ REALTIME: 1, ASYNC: 0 });
    expect(problemsOf("SAGEMAKER")).toEqual({ REALTIME: 1, ASYNC: 0 });
    expect(problemsOf("KUBERNETES")).toEqual({ REALTIME: 1 });
    // What the view says does not fit, the server refuses; what it says fits, the server takes.
    const local = (servingMode: "REALTIME" | "ASYNC") =>
      codeOf(requestPromotion(scientist.ctx, promote(name, { target: "LOCAL", servingMode })));
    expect(await local("REALTIME")).toMatch(/payloads are at most 16.0 MB; the SLA needs 100 MB/);
    expect(await local("ASYNC")).toBe("OK");
  });

  it("checks again at approval: an SLA changed since the request leaves the promotion pending, nothing queued", async () => {
    const { scientist, reviewer, name } = await givenModelWithVersions(1);
    await setVersionSla(scientist.ctx, name, 1, { sla: { timeoutSeconds: 30 } });
    const { promotion } = await requestPromotion(
      scientist.ctx,
      promote(name, { environment: "PRODUCTION", servingMode: "REALTIME" }),
    );
    await setVersionSla(scientist.ctx, name, 1, { sla: { timeoutSeconds: 600 } });
    const decided = await codeOf(decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: true }));
    expect(decided).toContain("the SLA needs 600 s");
    expect(await db().promotion.findUniqueOrThrow({ where: { id: promotion.id } })).toMatchObject({
      status: "PENDING_APPROVAL",
    });
    expect(await db().approval.count({ where: { promotionId: promotion.id } })).toBe(0);
    expect(await db().deployment.count({ where: { promotionId: promotion.id } })).toBe(0);
    // A rejection is not blocked by the SLA.
    expect(await codeOf(decidePromotion(reviewer.ctx, { promotionId: promotion.id, approve: false }))).toBe("OK");
  });

  it("declares an SLA over REST: audited, owning team only, bad input 400 with nothing changed, null clears", async () => {
    const { name } = await givenModelWithVersions(1);
    const model = await db().registeredModel.findUniqueOrThrow({ where: { name }, include: { team: true } });
    const owner = await givenToken("DATA_SCIENTIST", ["read", "models:write"], model.team.name);
    const outsider = await givenToken("DATA_SCIENTIST", ["read", "models:write"], "Another team");
    const viewer = await givenToken("VIEWER", ["read"], model.team.name);
    const path = `/models/${name}/versions/1/sla`;
    const put = (token: string, json: unknown) => callApi("PUT", path, { token, json });

    const saved = await put(owner.secret, { sla: { maxPayloadBytes: 8 * MB, latencyP99Ms: 250 } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json).toEqual({ model: name, version: 1, sla: { maxPayloadBytes: 8 * MB, latencyP99Ms: 250 } });
    const version = await db().modelVersion.findFirstOrThrow({ where: { version: 1, model: { name } } });
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: version.id, action: "version.sla" } });
    expect(audit.after).toEqual({ sla: { maxPayloadBytes: 8 * MB, latencyP99Ms: 250 } });

    for (const bad of [
      { sla: { timeoutSeconds: 1.5 } },
      { sla: { timeoutSeconds: 0 } },
      { sla: { latencyP99Ms: -1 } },
      { sla: { maxPayloadBytes: 11 * 1024 ** 3 } },
      { sla: { payload: 5 } },
      { sla: "fast" },
      {},
    ])
      expect((await put(owner.secret, bad)).status, JSON.stringify(bad)).toBe(400);
    expect((await put(outsider.secret, { sla: null })).status).toBe(403);
    expect((await put(viewer.secret, { sla: null })).status).toBe(403);
    expect(
      (await callApi("PUT", `/models/${name}/versions/9/sla`, { token: owner.secret, json: { sla: null } })).status,
    ).toBe(404);
    expect((await db().modelVersion.findUniqueOrThrow({ where: { id: version.id } })).sla).toEqual({
      maxPayloadBytes: 8 * MB,
      latencyP99Ms: 250,
    });

    const read = await callApi("GET", `/models/${name}/versions/1`, { token: viewer.secret });
    expect(read.json).toMatchObject({ sla: { maxPayloadBytes: 8 * MB, latencyP99Ms: 250 } });
    expect((await put(owner.secret, { sla: null })).json).toEqual({ model: name, version: 1, sla: null });
    expect((await put(owner.secret, { sla: {} })).json).toEqual({ model: name, version: 1, sla: null });
    expect((await db().modelVersion.findUniqueOrThrow({ where: { id: version.id } })).sla).toBeNull();
  });
});
