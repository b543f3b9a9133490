import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { FeedbackOutput } from "@/contracts/feedback";
import { db } from "@/server/db/client";
import { allEndpoints } from "@/server/rest/endpoints";
import { buildOpenApiDocument } from "@/server/rest/openapi";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { unique } from "@/tests/integration/registry/fixtures";
import { databaseFingerprint } from "@/tests/integration/security/world";
import { correlationId, givenCapturedPredictions } from "@/tests/integration/support/captured-predictions";

const PREDICTED_AT = new Date("2026-12-02T10:00:00.000Z");
const KNOWN = "2026-12-02T12:00:00.000Z";
const LATER = "2026-12-02T13:00:00.000Z";
const EARLIER = "2026-12-02T11:00:00.000Z";

type Row = { index: number; status: string; predictionId?: string; note?: string };
type Answer = { counts: FeedbackOutput["counts"]; rows: Row[] };

let token: string;
let userId: string;

async function givenEndpoint(teamName: string, taskType: "CLASSIFICATION" | "REGRESSION") {
  const team = await db().team.upsert({ where: { name: teamName }, create: { name: teamName }, update: {} });
  const model = await db().registeredModel.create({
    data: {
      name: unique("feedback-model"),
      teamId: team.id,
      taskType,
      createdById: userId,
      outcomeClasses: taskType === "CLASSIFICATION" ? ["legit", "fraud"] : [],
      decisionThreshold: 0.7,
    },
  });
  const endpoint = await db().endpoint.create({
    data: { name: unique("feedback-endpoint"), modelId: model.id, environment: "PRODUCTION", target: "LOCAL" },
  });
  return { id: endpoint.id, name: endpoint.name };
}

const send = (endpoint: string, outcomes: unknown[], secret = token) =>
  callApi("POST", `/endpoints/${endpoint}/feedback`, { token: secret, json: { outcomes } });

const seeds = (endpoint: { id: string; name: string }, count: number, extra: Record<string, unknown> = {}) =>
  givenCapturedPredictions(
    Array.from({ length: count }, (_, i) => ({
      endpointId: endpoint.id,
      endpointName: endpoint.name,
      score: i % 2 === 0 ? 0.9 : 0.2,
      captureProbability: 0.25,
      predictedAt: PREDICTED_AT,
      ...extra,
    })),
  );

beforeAll(async () => {
  const given = await givenToken("DATA_SCIENTIST", ["read", "feedback:write"]);
  token = given.secret;
  userId = given.user.id;
});

describe("POST /endpoints/{endpoint}/feedback", () => {
  it("records 10,000 outcomes in one call, reports unknown ids per row, and is idempotent", async () => {
    const endpoint = await givenEndpoint("Test team", "CLASSIFICATION");
    const captured = await seeds(endpoint, 9_990);
    const unknownAt = new Set([3, 500, 4_000, 9_999]);
    let next = 0;
    const outcomes = Array.from({ length: 10_000 }, (_, index) =>
      unknownAt.has(index) || next >= captured.length
        ? { predictionId: randomUUID(), label: "fraud", knownAt: KNOWN }
        : { predictionId: captured[next++]!.id, label: index % 3 === 0 ? "fraud" : "legit", knownAt: KNOWN },
    );
    const unknownCount = outcomes.length - next;

    const first = await send(endpoint.name, outcomes);
    expect(first.status, first.text.slice(0, 300)).toBe(200);
    const answer = first.json as unknown as Answer;
    expect(answer.counts).toEqual({ created: next, updated: 0, unchanged: 0, unknown: unknownCount, ambiguous: 0 });
    for (const index of unknownAt) expect(answer.rows[index]).toMatchObject({ index, status: "unknown" });
    expect(answer.rows[1]).toEqual({ index: 1, status: "created", predictionId: outcomes[1]!.predictionId });

    const stored = await db().predictionOutcome.findUniqueOrThrow({
      where: { predictionId_source: { predictionId: captured[0]!.id, source: "FEEDBACK" } },
    });
    expect(stored).toMatchObject({
      endpointId: endpoint.id,
      variantName: "blue",
      predictedAt: PREDICTED_AT,
      predictedLabel: "fraud",
      score: 0.9,
      label: "fraud",
      inclusionProbability: 0.25,
      knownAt: new Date(KNOWN),
      recordedById: userId,
    });
    const low = await db().predictionOutcome.findUniqueOrThrow({
      where: { predictionId_source: { predictionId: captured[1]!.id, source: "FEEDBACK" } },
    });
    expect(low.predictedLabel).toBe("legit");
    expect(await db().predictionOutcome.count({ where: { endpointId: endpoint.id } })).toBe(next);

    const before = await databaseFingerprint();
    const again = await send(endpoint.name, outcomes);
    expect(again.status).toBe(200);
    expect((again.json as unknown as Answer).counts).toEqual({
      created: 0,
      updated: 0,
      unchanged: next,
      unknown: unknownCount,
      ambiguous: 0,
    });
    const after = await databaseFingerprint();
    expect({ ...after, AuditLog: "" }).toEqual({ ...before, AuditLog: "" });
    const audits = await db().auditLog.findMany({ where: { action: "feedback.send", entityId: endpoint.id } });
    expect(audits.map((a) => a.after)).toEqual([
      expect.objectContaining({ rows: 10_000, created: next, unknown: unknownCount }),
      expect.objectContaining({ rows: 10_000, unchanged: next }),
    ]);
  }, 120_000);

  it("refuses a batch with any invalid row with per-row errors and writes nothing", async () => {
    const endpoint = await givenEndpoint("Test team", "CLASSIFICATION");
    const [a, b, c] = await seeds(endpoint, 3);
    const before = await databaseFingerprint();
    const bad = await send(endpoint.name, [
      { predictionId: a!.id, label: "fraud", knownAt: KNOWN },
      { predictionId: b!.id, label: "maybe", knownAt: KNOWN },
      { correlationId: "fine", label: "fraud", knownAt: KNOWN },
      { predictionId: c!.id, label: "fraud", knownAt: KNOWN },
      { predictionId: c!.id, label: "legit", knownAt: "2999-01-01T00:00:00Z" },
      { predictionId: a!.id, label: "legit", knownAt: KNOWN },
      { predictionId: b!.id, value: 3, knownAt: KNOWN },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.json.error?.code).toBe("BAD_REQUEST");
    const issues = (bad.json.error as unknown as { details: { issues: { path: string }[] } }).details.issues;
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        "outcomes.1.label",
        "outcomes.4.knownAt",
        "outcomes.4.predictionId",
        "outcomes.5.predictionId",
        "outcomes.6.predictionId",
        "outcomes.6.value",
      ].sort(),
    );

    const structural = await send(endpoint.name, [
      { predictionId: c!.id, correlationId: "both", label: "fraud", knownAt: KNOWN },
      { label: "fraud", knownAt: KNOWN },
      { predictionId: "not-a-uuid", label: "fraud", knownAt: KNOWN },
      { predictionId: a!.id, label: "fraud", knownAt: "yesterday" },
      { predictionId: a!.id, label: "fraud", value: 1, knownAt: KNOWN },
    ]);
    expect(structural.status).toBe(400);
    const structuralPaths = (structural.json.error as unknown as { details: { issues: { path: string }[] } }).details
      .issues;
    expect(new Set(structuralPaths.map((issue) => issue.path.split(".").slice(0, 2).join(".")))).toEqual(
      new Set(["outcomes.0", "outcomes.1", "outcomes.2", "outcomes.3", "outcomes.4"]),
    );

    const beforePrediction = await send(endpoint.name, [
      { predictionId: a!.id, label: "fraud", knownAt: KNOWN },
      { predictionId: b!.id, label: "fraud", knownAt: "2026-12-01T00:00:00Z" },
    ]);
    expect(beforePrediction.status).toBe(400);
    expect(JSON.stringify(beforePrediction.json)).toContain("outcomes.1.knownAt");

    expect(await send(endpoint.name, [])).toMatchObject({ status: 400 });
    const tooMany = Array.from({ length: 10_001 }, () => ({ predictionId: a!.id, label: "fraud", knownAt: KNOWN }));
    expect(await send(endpoint.name, tooMany)).toMatchObject({ status: 400 });
    expect(await databaseFingerprint()).toEqual(before);
  });

  it("updates only with a different, later outcome and reports older ones as unchanged", async () => {
    const endpoint = await givenEndpoint("Test team", "CLASSIFICATION");
    const [a, b] = await seeds(endpoint, 2);
    await send(endpoint.name, [
      { predictionId: a!.id, label: "fraud", knownAt: KNOWN },
      { predictionId: b!.id, label: "fraud", knownAt: KNOWN },
    ]);
    const changed = await send(endpoint.name, [
      { predictionId: a!.id, label: "legit", knownAt: LATER },
      { predictionId: b!.id, label: "legit", knownAt: EARLIER },
      { predictionId: b!.id, label: "legit", knownAt: EARLIER },
    ]);
    expect(changed.status).toBe(200);
    const rows = (changed.json as unknown as Answer).rows;
    expect(rows.map((row) => row.status)).toEqual(["updated", "unchanged", "unchanged"]);
    expect(rows[1]!.note).toContain("is kept");
    const stored = await db().predictionOutcome.findMany({
      where: { endpointId: endpoint.id },
      orderBy: { id: "asc" },
    });
    expect(stored.map((row) => [row.label, row.knownAt.toISOString()])).toEqual([
      ["legit", LATER],
      ["fraud", KNOWN],
    ]);
  });

  it("resolves correlation ids on this endpoint only and reports ambiguous ones", async () => {
    const endpoint = await givenEndpoint("Test team", "CLASSIFICATION");
    const elsewhere = await givenEndpoint("Test team", "CLASSIFICATION");
    const single = correlationId();
    const shared = correlationId();
    await seeds(endpoint, 1, { correlationId: single });
    await seeds(endpoint, 2, { correlationId: shared });
    const [foreign] = await seeds(elsewhere, 1, { correlationId: correlationId() });
    const answer = await send(endpoint.name, [
      { correlationId: single, label: "fraud", knownAt: KNOWN },
      { correlationId: shared, label: "fraud", knownAt: KNOWN },
      { predictionId: foreign!.id, label: "fraud", knownAt: KNOWN },
      { correlationId: foreign!.correlationId, label: "fraud", knownAt: KNOWN },
    ]);
    expect(answer.status).toBe(200);
    expect((answer.json as unknown as Answer).rows.map((row) => row.status)).toEqual([
      "created",
      "ambiguous",
      "unknown",
      "unknown",
    ]);
    expect(await db().predictionOutcome.count({ where: { endpointId: elsewhere.id } })).toBe(0);
  });

  it("takes numbers for regressors", async () => {
    const endpoint = await givenEndpoint("Test team", "REGRESSION");
    const [a] = await seeds(endpoint, 1);
    const ok = await send(endpoint.name, [{ predictionId: a!.id, value: 31.5, knownAt: KNOWN }]);
    expect(ok.status).toBe(200);
    const stored = await db().predictionOutcome.findFirstOrThrow({ where: { endpointId: endpoint.id } });
    expect(stored).toMatchObject({ value: 31.5, label: null, predictedValue: 0.9, predictedLabel: null });
    const labelled = await send(endpoint.name, [{ predictionId: a!.id, label: "fraud", knownAt: KNOWN }]);
    expect(labelled.status).toBe(400);
  });

  it("refuses another team's endpoint, a token without the scope and a viewer, writing nothing", async () => {
    const theirs = await givenEndpoint("Another team", "CLASSIFICATION");
    const ours = await givenEndpoint("Test team", "CLASSIFICATION");
    const [theirPrediction] = await seeds(theirs, 1);
    const [ourPrediction] = await seeds(ours, 1);
    const reader = await givenToken("DATA_SCIENTIST", ["read", "models:write"]);
    const viewer = await givenToken("VIEWER", ["read"]);
    const before = await databaseFingerprint();
    const wrongTeam = await send(theirs.name, [{ predictionId: theirPrediction!.id, label: "fraud", knownAt: KNOWN }]);
    expect(wrongTeam.status).toBe(403);
    expect(wrongTeam.json.error?.message).toContain("Another team");
    const noScope = await send(
      ours.name,
      [{ predictionId: ourPrediction!.id, label: "fraud", knownAt: KNOWN }],
      reader.secret,
    );
    expect(noScope.status).toBe(403);
    expect(noScope.json.error?.message).toContain("feedback:write");
    const asViewer = await send(
      ours.name,
      [{ predictionId: ourPrediction!.id, label: "fraud", knownAt: KNOWN }],
      viewer.secret,
    );
    expect(asViewer.status).toBe(403);
    expect(
      await send("no-such-endpoint", [{ predictionId: ourPrediction!.id, label: "fraud", knownAt: KNOWN }]),
    ).toMatchObject({
      status: 404,
    });
    const after = await databaseFingerprint();
    expect(after).toEqual(before);
  });

  it("writes each outcome once when the same call arrives twice at once", async () => {
    const endpoint = await givenEndpoint("Test team", "CLASSIFICATION");
    const captured = await seeds(endpoint, 2_000);
    const outcomes = captured.map((row) => ({ predictionId: row.id, label: "fraud", knownAt: KNOWN }));
    const [one, two] = await Promise.all([send(endpoint.name, outcomes), send(endpoint.name, outcomes)]);
    expect([one.status, two.status]).toEqual([200, 200]);
    const counts = [one, two].map((r) => (r.json as unknown as Answer).counts);
    expect(counts[0]!.created + counts[1]!.created).toBe(2_000);
    expect(counts[0]!.unchanged + counts[1]!.unchanged).toBe(2_000);
    expect(await db().predictionOutcome.count({ where: { endpointId: endpoint.id } })).toBe(2_000);
  }, 60_000);

  it("is documented in the OpenAPI document with its all-or-nothing semantics and its scope", () => {
    const operation = buildOpenApiDocument(allEndpoints).paths?.["/endpoints/{endpoint}/feedback"]?.post;
    expect(operation?.description).toContain("All or nothing");
    expect(operation?.description).toContain("`unchanged`");
    expect(operation?.description).toContain("Requires scope `feedback:write`");
    expect(operation?.responses?.["200"]).toBeDefined();
  });
});
