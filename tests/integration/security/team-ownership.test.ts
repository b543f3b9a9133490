import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "@/contracts/enums";
import { TOKEN_SCOPES } from "@/contracts/token-scopes";
import { db } from "@/server/db/client";
import { hashToken } from "@/server/services/admin/api-tokens";
import { moveAliasForRelease } from "@/server/services/registry/set-alias";
import { systemContextFromEnv } from "@/server/context-from-env";
import { actingAs } from "@/server/services/context";
import { callApi } from "@/tests/integration/fixtures";
import { givenTeamWorld, unique, type TeamWorld } from "@/tests/integration/security/world";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";

// The attack from issue 10, replayed: a Logistics data scientist against Fraud & Risk's model, runs and endpoints,
// through plain REST and tRPC. Each refusal is a 403 naming the owning team and writes nothing; the owning team (and
// an admin) can do the same things; `production` moves only through promotions and rollbacks, whoever asks.

let fraud: TeamWorld;
let logistics: TeamWorld;

async function person(role: Role, team: TeamWorld | null) {
  const user = await db().user.create({
    data: { email: `${unique(role.toLowerCase())}@example.test`, name: role, role, teamId: team?.id ?? null },
  });
  const secret = `mp_${randomBytes(24).toString("base64url")}`;
  await db().apiToken.create({
    data: {
      name: "t",
      prefix: secret.slice(0, 10),
      tokenHash: hashToken(secret),
      scopes: [...TOKEN_SCOPES],
      userId: user.id,
      expiresAt: new Date(Date.now() + 3600_000),
    },
  });
  return { user, secret, caller: await trpcCallerFor(user.id) };
}

const productionOf = async (modelName: string) =>
  (
    await db().modelAlias.findFirst({
      where: { alias: "production", model: { name: modelName } },
      select: { version: { select: { version: true } } },
    })
  )?.version.version ?? null;

/**
 * The world's version 2 (its planned test's challenger) released after the first, so the endpoint has something to
 * roll back to.
 */
async function givenSecondRelease(team: TeamWorld) {
  const model = await db().registeredModel.findUniqueOrThrow({ where: { name: team.modelName } });
  const v2 = await db().modelVersion.findFirstOrThrow({ where: { modelId: model.id, version: 2 } });
  const promotion = await db().promotion.create({
    data: {
      versionId: v2.id,
      environment: "PRODUCTION",
      target: "SAGEMAKER",
      strategy: { kind: "all-at-once" },
      status: "APPROVED",
      requestedById: team.requester.userId,
    },
  });
  await db().deployment.create({
    data: {
      promotionId: promotion.id,
      endpointId: team.endpointId,
      status: "SUCCEEDED",
      finishedAt: new Date(Date.now() + 1000),
    },
  });
  const requester = await db().user.findUniqueOrThrow({ where: { id: team.requester.userId } });
  await moveAliasForRelease(
    actingAs(systemContextFromEnv(), { userId: requester.id, role: requester.role, teamId: requester.teamId }),
    team.modelName,
    "production",
    { version: 1, reason: "first release" },
  );
}

beforeAll(async () => {
  fraud = await givenTeamWorld("Fraud & Risk");
  logistics = await givenTeamWorld("Logistics");
  await givenSecondRelease(fraud);
}, 60_000);

const FRAUD_OWNS = /belongs to team "Fraud & Risk": only its members \(or an admin\) may change it/;

describe("a Logistics data scientist against Fraud & Risk's things", () => {
  it("cannot move Fraud's production alias over REST: 403, alias unchanged, no alias event", async () => {
    const attacker = await person("DATA_SCIENTIST", logistics);
    const events = await db().aliasEvent.count();
    const response = await callApi("PUT", `/models/${fraud.modelName}/aliases/production`, {
      token: attacker.secret,
      json: { version: 2, reason: "bypass approvals" },
    });
    expect(response.status).toBe(403);
    expect(response.json.error?.message).toMatch(FRAUD_OWNS);
    expect(await productionOf(fraud.modelName)).toBe(1);
    expect(await db().aliasEvent.count()).toBe(events);
  });

  it("cannot kill, finish or log to another team's run, nor register a version on its model", async () => {
    const attacker = await person("DATA_SCIENTIST", logistics);
    const kill = await callApi("POST", `/runs/${fraud.runId}/finish`, {
      token: attacker.secret,
      json: { status: "KILLED" },
    });
    expect(kill.status).toBe(403);
    expect(kill.json.error?.message).toMatch(/Fraud & Risk/);
    const log = await callApi("POST", `/runs/${fraud.runId}/log`, {
      token: attacker.secret,
      json: { params: { a: "1" } },
    });
    expect(log.status).toBe(403);
    expect(await db().run.findUniqueOrThrow({ where: { id: fraud.runId } })).toMatchObject({ status: "RUNNING" });
    expect(await db().runParam.count({ where: { runId: fraud.runId } })).toBe(0);

    const versions = await db().modelVersion.count();
    const register = await callApi("POST", `/models/${fraud.modelName}/versions`, {
      token: attacker.secret,
      json: { runId: logistics.finishedRunId, artifactPath: "model.onnx", format: "ONNX" },
    });
    expect(register.status).toBe(403);
    expect(await db().modelVersion.count()).toBe(versions);
  });

  it("cannot set drift thresholds or SLOs, roll back, or request a promotion (tRPC FORBIDDEN)", async () => {
    const { caller } = await person("DATA_SCIENTIST", logistics);
    const before = {
      model: await db().registeredModel.findUniqueOrThrow({ where: { name: fraud.modelName } }),
      endpoint: await db().endpoint.findUniqueOrThrow({ where: { id: fraud.endpointId } }),
      promotions: await db().promotion.count(),
      audit: await db().auditLog.count(),
    };
    const refused = { code: "FORBIDDEN", message: expect.stringMatching(FRAUD_OWNS) };
    await expect(
      caller.drift.setThresholds({ modelName: fraud.modelName, warnPsi: 5, alertPsi: 9, minSamples: 1 }),
    ).rejects.toMatchObject(refused);
    await expect(
      caller.endpoints.setSlo({ endpointId: fraud.endpointId, p99Ms: 60_000, availability: 0.9 }),
    ).rejects.toMatchObject(refused);
    await expect(
      caller.deployments.rollback({ endpointId: fraud.endpointId, reason: "sabotage" }),
    ).rejects.toMatchObject(refused);
    await expect(
      caller.deployments.requestPromotion({
        modelName: fraud.modelName,
        version: 2,
        environment: "PRODUCTION",
        target: "SAGEMAKER",
        strategy: { kind: "all-at-once" },
        reason: "mine now",
      }),
    ).rejects.toMatchObject(refused);
    expect(await db().registeredModel.findUniqueOrThrow({ where: { name: fraud.modelName } })).toEqual(before.model);
    expect(await db().endpoint.findUniqueOrThrow({ where: { id: fraud.endpointId } })).toEqual(before.endpoint);
    expect(await db().promotion.count()).toBe(before.promotions);
    expect(await db().auditLog.count()).toBe(before.audit);
  });

  it("cannot approve Fraud's promotion as a Logistics reviewer; a Fraud reviewer can", async () => {
    const outsider = await person("REVIEWER", logistics);
    await expect(
      outsider.caller.deployments.decide({ promotionId: fraud.promotionId, approve: false }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(FRAUD_OWNS) });
    expect(await db().approval.count({ where: { promotionId: fraud.promotionId } })).toBe(0);

    const insider = await person("REVIEWER", fraud);
    await expect(
      insider.caller.deployments.decide({ promotionId: fraud.promotionId, approve: false }),
    ).resolves.toMatchObject({ status: "REJECTED" });
  });
});

describe("the owning team and admins", () => {
  it("lets Fraud's data scientist log to and finish their run, set thresholds and SLOs", async () => {
    const owner = await person("DATA_SCIENTIST", fraud);
    const ownRun = await db().run.create({
      data: { experimentId: fraud.experimentId, name: unique("own"), userId: owner.user.id },
    });
    const log = await callApi("POST", `/runs/${ownRun.id}/log`, { token: owner.secret, json: { params: { a: "1" } } });
    expect(log.status).toBe(200);
    const finish = await callApi("POST", `/runs/${ownRun.id}/finish`, {
      token: owner.secret,
      json: { status: "KILLED" },
    });
    expect(finish).toMatchObject({ status: 200, json: { status: "KILLED" } });
    await owner.caller.drift.setThresholds({ modelName: fraud.modelName, warnPsi: 0.2, alertPsi: 0.4, minSamples: 50 });
    await owner.caller.endpoints.setSlo({ endpointId: fraud.endpointId, p99Ms: 250, availability: 0.995 });
    expect(await db().endpoint.findUniqueOrThrow({ where: { id: fraud.endpointId } })).toMatchObject({ sloP99Ms: 250 });
  });

  it("refuses a direct move or removal of production even to the owning team, pointing at promotions", async () => {
    const owner = await person("DATA_SCIENTIST", fraud);
    const viaRest = await callApi("PUT", `/models/${fraud.modelName}/aliases/production`, {
      token: owner.secret,
      json: { version: 2, reason: "skip the queue" },
    });
    expect(viaRest.status).toBe(403);
    expect(viaRest.json.error?.message).toMatch(/protected: it moves only through an approved promotion/);
    const removal = await callApi("DELETE", `/models/${fraud.modelName}/aliases/production`, {
      token: owner.secret,
      json: {},
    });
    expect(removal.status).toBe(403);
    const protectedAlias = { code: "FORBIDDEN", message: expect.stringMatching(/request a promotion/) };
    await expect(
      owner.caller.registry.setAlias({ name: fraud.modelName, alias: "production", version: 2, reason: "x" }),
    ).rejects.toMatchObject(protectedAlias);
    const admin = await person("ADMIN", null);
    await expect(
      admin.caller.registry.removeAlias({ name: fraud.modelName, alias: "production", reason: "x" }),
    ).rejects.toMatchObject(protectedAlias);
    expect(await productionOf(fraud.modelName)).toBe(1);
  });

  it("protects an alias an admin marks, audited, until they unmark it", async () => {
    const owner = await person("DATA_SCIENTIST", fraud);
    const admin = await person("ADMIN", null);
    const move = () =>
      owner.caller.registry.setAlias({ name: fraud.modelName, alias: "gold", version: 1, reason: "x" });
    await expect(
      owner.caller.registry.setAliasProtection({ alias: "gold", protected: true, reason: "x" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await admin.caller.registry.setAliasProtection({
      alias: "gold",
      protected: true,
      reason: "contract with the bank",
    });
    expect(await owner.caller.registry.protectedAliases()).toEqual([
      { alias: "production", builtIn: true },
      { alias: "gold", builtIn: false },
    ]);
    await expect(move()).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db().auditLog.count({ where: { action: "alias.protect", entityId: "gold" } })).toBe(1);
    await admin.caller.registry.setAliasProtection({ alias: "gold", protected: false, reason: "contract ended" });
    await expect(move()).resolves.toMatchObject({ alias: "gold", version: 1 });
  });

  it("lets Fraud's manager roll back Fraud's endpoint in one click with a required reason, audited", async () => {
    const manager = await person("MANAGER", fraud);
    await expect(
      manager.caller.deployments.rollback({ endpointId: fraud.endpointId, reason: " " }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const rollback = await manager.caller.deployments.rollback({ endpointId: fraud.endpointId, reason: "p99 doubled" });
    expect(rollback.version).toBe(1);
    expect(
      await db().auditLog.findFirstOrThrow({ where: { action: "endpoint.rollback", actorId: manager.user.id } }),
    ).toMatchObject({ entityId: fraud.endpointId, after: expect.objectContaining({ reason: "p99 doubled" }) });
    const logisticsManager = await person("MANAGER", logistics);
    await expect(logisticsManager.caller.cost.setBudget({ teamId: fraud.id, monthlyUsd: 1 })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(manager.caller.cost.setBudget({ teamId: fraud.id, monthlyUsd: 5000 })).resolves.toBeDefined();
  });

  it("lets an admin of no team change any team's things", async () => {
    const admin = await person("ADMIN", null);
    await admin.caller.endpoints.setSlo({ endpointId: logistics.endpointId, p99Ms: 300, availability: 0.99 });
    const kill = await callApi("POST", `/runs/${logistics.runId}/finish`, {
      token: admin.secret,
      json: { status: "KILLED" },
    });
    expect(kill.status).toBe(200);
  });
});

describe("teams, tokens and legacy experiments", () => {
  it("acts for a token with its owner's current team", async () => {
    const mover = await person("DATA_SCIENTIST", logistics);
    const path = `/models/${fraud.modelName}/aliases/team-move`;
    const call = () => callApi("PUT", path, { token: mover.secret, json: { version: 1, reason: "x" } });
    expect((await call()).status).toBe(403);
    const admin = await person("ADMIN", null);
    await admin.caller.admin.setUserTeam({ userId: mover.user.id, teamId: fraud.id });
    expect((await call()).status).toBe(200);
  });

  it("lets someone in no team change nothing team-owned, nor create anything", async () => {
    const loner = await person("DATA_SCIENTIST", null);
    const experiment = await callApi("POST", "/experiments", { token: loner.secret, json: { name: unique("loner") } });
    expect(experiment.status).toBe(403);
    expect(experiment.json.error?.message).toMatch(/would belong to no team \(you are in none\)/);
    const run = await callApi("POST", "/runs", { token: loner.secret, json: { experimentId: fraud.experimentId } });
    expect(run.status).toBe(403);
    expect(run.json.error?.message).toMatch(/You belong to no team/);
  });

  it("creates in the creator's team, or a named team the creator belongs to (admins name any)", async () => {
    const scientist = await person("DATA_SCIENTIST", logistics);
    const named = await callApi("POST", "/models", {
      token: scientist.secret,
      json: { name: unique("other-team"), taskType: "OTHER", team: "Fraud & Risk" },
    });
    expect(named.status).toBe(403);
    const own = await callApi("POST", "/experiments", { token: scientist.secret, json: { name: unique("mine") } });
    expect(own).toMatchObject({ status: 201, json: { teamName: "Logistics" } });
    const admin = await person("ADMIN", null);
    const byAdmin = await admin.caller.experiments.createExperiment({
      name: unique("for-fraud"),
      team: "Fraud & Risk",
    });
    expect(byAdmin.teamName).toBe("Fraud & Risk");
  });

  it("lets only the creator (or an admin) change a legacy experiment that belongs to no team", async () => {
    const creator = await person("DATA_SCIENTIST", logistics);
    const colleague = await person("DATA_SCIENTIST", logistics);
    const legacy = await db().experiment.create({ data: { name: unique("legacy"), createdById: creator.user.id } });
    const start = (secret: string) => callApi("POST", "/runs", { token: secret, json: { experimentId: legacy.id } });
    const refused = await start(colleague.secret);
    expect(refused.status).toBe(403);
    expect(refused.json.error?.message).toMatch(/belongs to no team: only its creator/);
    expect((await start(creator.secret)).status).toBe(201);
    expect((await start((await person("ADMIN", null)).secret)).status).toBe(201);
  });
});
