import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { ROLES, type Role } from "@/contracts/enums";
import { callApi } from "@/tests/integration/fixtures";
import {
  expectedOutcome,
  matrixSection,
  renderMatrix,
  restMutations,
  trpcMutations,
  withMatrix,
  type Operation,
  type Outcome,
} from "@/tests/integration/security/authz-matrix";
import { trpcCallerFor } from "@/tests/integration/support/trpc-caller";
import {
  databaseFingerprint,
  givenWorld,
  TEAM_SIDES,
  unique,
  type TeamSide,
  type World,
} from "@/tests/integration/security/world";

// Every mutating tRPC procedure and REST endpoint × every role × something of the person's own team or of another
// team: each cell is called for real and must be allowed (anything but 401/403) or refused with 403 / FORBIDDEN and
// write nothing, exactly as the permission table and the ownership policy say (authz-matrix.ts, expectedOutcome).

/** Mutations that change nothing a team owns: the role alone decides. */
const NOT_TEAM_OWNED = new Set([
  "admin.endSessions",
  "admin.setUserRole",
  "admin.setUserTeam",
  "admin.tokens.create",
  "admin.tokens.revoke",
  "admin.tokens.revokeAny",
  "cost.checkBudgets",
  "cost.upsertPrice",
  "experiments.saveMatchingRuns",
  "experiments.saveSelection",
  "registry.setAliasProtection",
]);

type Input = (w: World, side: TeamSide) => unknown;

const promotionRequest = (modelName: string) => ({
  modelName,
  version: 1,
  environment: "PRODUCTION",
  target: "SAGEMAKER",
  strategy: { kind: "all-at-once" },
  reason: "matrix",
});

const TRPC_INPUTS: Record<string, Input> = {
  "abTests.create": (w, s) => ({
    endpointName: w.teams[s].endpointName,
    name: unique("matrix-test"),
    championWeight: 50,
    challengers: [{ version: 2, weight: 50 }],
    preRegistration: { primaryMetric: "accuracy", mde: 0.05, baseline: 0.8 },
  }),
  "abTests.analyze": (w, s) => ({ testId: w.teams[s].abTestId }),
  "abTests.decide": (w, s) => ({ testId: w.teams[s].abTestId, decision: "KEEP_CHAMPION", reason: "matrix" }),
  "abTests.start": (w, s) => ({ testId: w.teams[s].abTestId, mode: "SHADOW" }),
  "abTests.stop": (w, s) => ({ testId: w.teams[s].abTestId, reason: "matrix" }),
  "admin.endSessions": (w) => ({ userId: w.victimId, reason: "authorization matrix" }),
  "admin.setUserRole": (w) => ({ userId: w.victimId, role: "VIEWER" }),
  "admin.setUserTeam": (w) => ({ userId: w.victimId, teamId: w.teams.own.id }),
  "admin.tokens.create": () => ({ name: "matrix", scopes: ["read"], expiresInDays: 1 }),
  "admin.tokens.revoke": () => ({ tokenId: "no-such-token" }),
  "admin.tokens.revokeAny": () => ({ tokenId: "no-such-token" }),
  "alerts.dismiss": (w, s) => ({ alertId: w.teams[s].alertId }),
  "batch.create": (w, s) => ({
    modelName: w.teams[s].modelName,
    version: 1,
    inputArtifactId: "no-such-dataset",
    keyColumns: ["id"],
  }),
  "batch.cancel": (w, s) => ({ jobId: w.teams[s].batchJobId }),
  "batch.resume": (w, s) => ({ jobId: w.teams[s].batchJobId }),
  "cost.checkBudgets": () => undefined,
  "cost.setBudget": (w, s) => ({ teamId: w.teams[s].id, monthlyUsd: 1000 }),
  "cost.upsertPrice": () => ({ name: "matrix-cpu", target: "LOCAL", hourlyUsd: 0.1 }),
  "deployments.cancel": (w, s) => ({ deploymentId: w.teams[s].deploymentId, reason: "matrix" }),
  "deployments.decide": (w, s) => ({ promotionId: w.teams[s].promotionId, approve: true }),
  "deployments.decideRollout": (w, s) => ({ deploymentId: w.teams[s].deploymentId, proceed: true, reason: "matrix" }),
  "deployments.requestPromotion": (w, s) => promotionRequest(w.teams[s].modelName),
  "deployments.rollback": (w, s) => ({ endpointId: w.teams[s].endpointId, reason: "matrix" }),
  "drift.scanNow": (w, s) => ({ endpointId: w.teams[s].endpointId }),
  "drift.setThresholds": (w, s) => ({ modelName: w.teams[s].modelName, warnPsi: 0.1, alertPsi: 0.3, minSamples: 100 }),
  "goldenSets.freezeFromLabels": (w, s) => ({ filter: { modelName: w.teams[s].modelName }, name: "matrix" }),
  "goldenSets.runGate": (w, s) => ({ modelName: w.teams[s].modelName, version: 1 }),
  "goldenSets.setGateRule": (w, s) => ({
    modelName: w.teams[s].modelName,
    rule: { criteria: [{ metric: "accuracy", bound: 0.5 }] },
  }),
  "goldenSets.upload": (w, s) => ({ modelName: w.teams[s].modelName, name: "matrix", content: "a,expected\n1,1\n" }),
  "endpoints.explain": (w, s) => ({ endpointId: w.teams[s].endpointId, rows: [{ amount: 1 }] }),
  "endpoints.predict": (w, s) => ({ endpointId: w.teams[s].endpointId, rows: [{ amount: 1 }] }),
  "endpoints.setCapturePolicy": (w, s) => ({ endpointId: w.teams[s].endpointId, rate: 0.5, retentionDays: 14 }),
  "endpoints.setScaleToZero": (w, s) => ({ endpointId: w.teams[s].endpointId, idleMinutes: 30 }),
  "endpoints.setAsyncServing": (w, s) => ({
    endpointId: w.teams[s].endpointId,
    serving: { maxConcurrentInvocationsPerInstance: 2, invocationTimeoutSeconds: 60, scaling: null },
  }),
  "endpoints.setComponentHosting": (w, s) => ({
    modelName: w.teams[s].modelName,
    environment: "STAGING",
    hosting: {
      instanceType: "ml.m5.large",
      minInstances: 0,
      maxInstances: 1,
      cpuCores: 1,
      memoryMb: 1024,
      scaleToZero: null,
    },
  }),
  "endpoints.setOnlineFeatures": (w, s) => ({
    endpointId: w.teams[s].endpointId,
    onlineFeatures: {
      lookup: { featureGroup: w.teams[s].featureGroupName, entityKey: "card_id", storedFeatures: ["a"] },
      fallback: { otherwise: { probability: 0.01 } },
    },
  }),
  "endpoints.setSlo": (w, s) => ({ endpointId: w.teams[s].endpointId, p99Ms: 120, availability: 0.999 }),
  "experiments.createExperiment": (w, s) => ({ name: unique("matrix-exp"), team: w.teams[s].name }),
  "experiments.saveSelection": (w, s) => ({ runIds: [w.teams[s].finishedRunId] }),
  "experiments.saveMatchingRuns": (w, s) => ({ experimentId: w.teams[s].experimentId }),
  "registry.createModel": (w, s) => ({ name: unique("matrix-new"), taskType: "OTHER", team: w.teams[s].name }),
  "registry.registerVersion": (w, s) => ({
    name: w.teams[s].modelName,
    version: { runId: w.teams[s].finishedRunId, artifactPath: "model.onnx", format: "ONNX" },
  }),
  "labels.adjudicate": (w, s) => ({ itemId: w.teams[s].labelItemId, round: 1, value: { kind: "classes", label: "1" } }),
  "labels.annotate": (w, s) => ({ itemId: w.teams[s].labelItemId, round: 1, value: { kind: "classes", label: "1" } }),
  "labels.createQueue": (w, s) => ({ modelName: w.teams[s].modelName, name: unique("matrix-queue") }),
  "labels.deleteQueue": (w, s) => ({ queueId: w.teams[s].spareQueueId }),
  "labels.review": (w, s) => ({ itemId: w.teams[s].reviewItemId, round: 1, decision: "ACCEPT" }),
  "labels.sampleNow": (w, s) => ({ queueId: w.teams[s].labelQueueId }),
  "labels.updateQueue": (w, s) => ({ queueId: w.teams[s].labelQueueId, dailyBudget: 50 }),
  "registry.removeAlias": (w, s) => ({ name: w.teams[s].modelName, alias: "old", reason: "matrix" }),
  "registry.setAlias": (w, s) => ({ name: w.teams[s].modelName, alias: "champion", version: 1, reason: "matrix" }),
  "registry.setAliasProtection": () => ({ alias: "matrix-frozen", protected: true, reason: "matrix" }),
  "registry.setLabelDelay": (w, s) => ({ name: w.teams[s].modelName, changes: { labelDelayMinutes: 60 } }),
  "registry.setOutcomeSettings": (w, s) => ({ name: w.teams[s].modelName, changes: { decisionThreshold: 0.6 } }),
  "registry.setVersionSla": (w, s) => ({ name: w.teams[s].modelName, version: 1, sla: { timeoutSeconds: 30 } }),
  "registry.updateModel": (w, s) => ({ name: w.teams[s].modelName, changes: { description: "matrix" } }),
};

type RestCall = { path: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> };

const REST_CALLS: Record<string, (w: World, side: TeamSide) => RestCall> = {
  "POST /models/{name}/golden-sets": (w, s) => ({
    path: `/models/${w.teams[s].modelName}/golden-sets`,
    json: { name: "matrix", content: "a,expected\n1,1\n" },
  }),
  "POST /models/{name}/golden-sets/from-labels": (w, s) => ({
    path: `/models/${w.teams[s].modelName}/golden-sets/from-labels`,
    json: { name: "matrix" },
  }),
  "POST /experiments": (w, s) => ({
    path: "/experiments",
    json: { name: unique("matrix-exp"), team: w.teams[s].name },
  }),
  "POST /runs": (w, s) => ({ path: "/runs", json: { experimentId: w.teams[s].experimentId } }),
  "POST /runs/{runId}/log": (w, s) => ({
    path: `/runs/${w.teams[s].runId}/log`,
    json: { metrics: [{ key: "loss", value: 1, step: 0 }] },
  }),
  "POST /runs/{runId}/finish": (w, s) => ({ path: `/runs/${w.teams[s].runId}/finish`, json: { status: "FINISHED" } }),
  "POST /runs/{runId}/artifacts": (w, s) => ({
    path: `/runs/${w.teams[s].runId}/artifacts?path=matrix.bin`,
    body: new Uint8Array([1, 2, 3]),
    headers: { "content-type": "application/octet-stream" },
  }),
  "POST /models/{name}/datasets": (w, s) => ({
    path: `/models/${w.teams[s].modelName}/datasets?fileName=matrix.csv`,
    body: new TextEncoder().encode("id,amount\n1,2\n"),
    headers: { "content-type": "text/csv" },
  }),
  "POST /models/{name}/batch-jobs": (w, s) => ({
    path: `/models/${w.teams[s].modelName}/batch-jobs`,
    json: { version: 1, inputArtifactId: "no-such-dataset", keyColumns: ["id"] },
  }),
  "POST /batch-jobs/{jobId}/cancel": (w, s) => ({ path: `/batch-jobs/${w.teams[s].batchJobId}/cancel` }),
  "POST /batch-jobs/{jobId}/resume": (w, s) => ({ path: `/batch-jobs/${w.teams[s].batchJobId}/resume` }),
  "POST /endpoints/{endpoint}/flags": (w, s) => ({
    path: `/endpoints/${w.teams[s].endpointName}/flags`,
    json: { predictionId: crypto.randomUUID(), reason: "matrix" },
  }),
  "POST /models": (w, s) => ({
    path: "/models",
    json: { name: unique("matrix-new"), taskType: "OTHER", team: w.teams[s].name },
  }),
  "POST /models/{name}/versions": (w, s) => ({
    path: `/models/${w.teams[s].modelName}/versions`,
    json: { runId: w.teams[s].finishedRunId, artifactPath: "model.onnx", format: "ONNX" },
  }),
  "PUT /models/{name}/versions/{version}/sla": (w, s) => ({
    path: `/models/${w.teams[s].modelName}/versions/1/sla`,
    json: { sla: { timeoutSeconds: 30 } },
  }),
  "PUT /models/{name}/aliases/{alias}": (w, s) => ({
    path: `/models/${w.teams[s].modelName}/aliases/champion`,
    json: { version: 1, reason: "matrix" },
  }),
  "POST /endpoints/{endpoint}/feedback": (w, s) => ({
    path: `/endpoints/${w.teams[s].endpointName}/feedback`,
    json: {
      outcomes: [{ predictionId: "00000000-0000-4000-8000-000000000000", label: "1", knownAt: "2026-12-02T00:00:00Z" }],
    },
  }),
  "POST /endpoints/{endpoint}/invocations-async": (w, s) => ({
    path: `/endpoints/${w.teams[s].endpointName}/invocations-async`,
    json: { rows: [{ amount: 1 }] },
  }),
  "POST /feature-groups": (w, s) => ({
    path: "/feature-groups",
    json: { name: unique("matrix-group"), entityKey: "card_id", features: ["a"], team: w.teams[s].name },
  }),
  "PUT /feature-groups/{group}/values": (w, s) => ({
    path: `/feature-groups/${w.teams[s].featureGroupName}/values`,
    json: { entities: [{ id: "card-1", values: { a: 1, b: 2 } }] },
  }),
  "DELETE /models/{name}/aliases/{alias}": (w, s) => ({
    path: `/models/${w.teams[s].modelName}/aliases/old`,
    json: { reason: "matrix" },
  }),
};

type Called = { outcome: Outcome; message: string };

function procedureAt(caller: unknown, key: string): (input: unknown) => Promise<unknown> {
  let node = caller;
  for (const part of key.split(".")) node = (node as Record<string, unknown>)[part];
  return node as (input: unknown) => Promise<unknown>;
}

async function callTrpc(w: World, op: Operation, role: Role, side: TeamSide): Promise<Called> {
  const input = TRPC_INPUTS[op.key];
  if (!input) throw new Error(`No input for tRPC ${op.key}: add one to TRPC_INPUTS`);
  const caller = await trpcCallerFor(w.people[role].userId);
  try {
    await procedureAt(caller, op.key)(input(w, side));
    return { outcome: "allowed", message: "" };
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    if (error.code === "UNAUTHORIZED") throw new Error(`${op.key} answered UNAUTHORIZED to a signed-in ${role}`);
    return { outcome: error.code === "FORBIDDEN" ? "forbidden" : "allowed", message: error.message };
  }
}

async function callRest(w: World, op: Operation, role: Role, side: TeamSide): Promise<Called> {
  const build = REST_CALLS[op.key];
  if (!build) throw new Error(`No call for REST ${op.key}: add one to REST_CALLS`);
  const { path: urlPath, ...options } = build(w, side);
  const method = op.key.split(" ")[0] ?? "GET";
  const response = await callApi(method, urlPath, { token: w.people[role].secret, ...options });
  if (response.status === 401) throw new Error(`${op.key} answered 401 to a valid token of a ${role}`);
  return { outcome: response.status === 403 ? "forbidden" : "allowed", message: response.json?.error?.message ?? "" };
}

const trpcOps = trpcMutations();
const restOps = restMutations();
let world: World;

beforeAll(async () => {
  world = await givenWorld();
}, 60_000);

/** Calls one cell; a refusal must leave every table exactly as it was, and name the owning team when it is why. */
async function checkCell(op: Operation, role: Role, side: TeamSide) {
  const expected = expectedOutcome(role, op.rule, side);
  const before = expected === "forbidden" ? await databaseFingerprint() : null;
  const called = op.kind === "trpc" ? await callTrpc(world, op, role, side) : await callRest(world, op, role, side);
  expect(called.outcome, `${op.key} as ${role} on ${side} team's (${called.message})`).toBe(expected);
  if (!before) return;
  expect(await databaseFingerprint(), `${op.key} as ${role} on ${side} team's wrote something`).toEqual(before);
  if (expectedOutcome(role, op.rule, "own") === "allowed") expect(called.message).toContain(world.teams[side].name);
}

describe("authorization matrix", () => {
  it("covers every mutation: REST ones are all team-owned, tRPC ones too unless listed as not team-owned", () => {
    expect(restOps.filter((op) => !op.rule.owned).map((op) => op.key)).toEqual([]);
    expect(trpcOps.filter((op) => !op.rule.owned).map((op) => op.key)).toEqual([...NOT_TEAM_OWNED].sort());
    expect(Object.keys(TRPC_INPUTS).sort()).toEqual(trpcOps.map((op) => op.key));
    expect(Object.keys(REST_CALLS).sort()).toEqual(restOps.map((op) => op.key));
  });

  for (const op of [...trpcOps, ...restOps]) {
    it(`${op.kind} ${op.key}`, async () => {
      for (const role of ROLES) for (const side of TEAM_SIDES) await checkCell(op, role, side);
    }, 60_000);
  }

  it("is written down in docs/security.md", async () => {
    const docPath = path.resolve(import.meta.dirname, "../../../docs/security.md");
    const doc = await readFile(docPath, "utf8");
    const table = renderMatrix([...trpcOps, ...restOps]);
    if (process.env.UPDATE_AUTHZ_DOC === "1") await writeFile(docPath, withMatrix(doc, table));
    else {
      expect(
        matrixSection(doc),
        "docs/security.md's authorization matrix is out of date; regenerate it with " +
          "UPDATE_AUTHZ_DOC=1 npx vitest run --project integration tests/integration/security/authorization-matrix.test.ts",
      ).toBe(table);
    }
  });
});
