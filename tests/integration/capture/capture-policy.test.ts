import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import { localRuntimeClient } from "@/server/integrations/local-runtime/client";
import { givenUser } from "@/tests/integration/fixtures";
import { serveTabularEndpoint } from "@/tests/integration/runtime/runtime-endpoint";
import {
  freePort,
  startRuntime,
  temporaryDirectory,
  type RunningRuntime,
} from "@/tests/integration/runtime/runtime-process";

let runtime: RunningRuntime;
let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
beforeAll(async () => {
  runtime = await startRuntime();
  directory = await temporaryDirectory("capture-policy-");
});
afterAll(async () => {
  await runtime?.stop();
  await directory?.remove();
});

const systemFor = (baseUrl: string) => ({
  ...systemContextFromEnv(),
  runtime: localRuntimeClient({ baseUrl, controlToken: runtime.controlToken, requestTimeoutMs: 2_000 }),
});

async function callerFor(role: Role, teamName: string, baseUrl = runtime.baseUrl) {
  const given = await givenUser(role, teamName);
  const user = await db().user.findUniqueOrThrow({ where: { id: given.user.id }, include: { team: true } });
  return { caller: createCaller({ system: systemFor(baseUrl), user }), given };
}

async function givenEndpoint(teamName: string) {
  const { given } = await callerFor("DATA_SCIENTIST", teamName);
  const model = await db().registeredModel.create({
    data: {
      name: `capture-${randomUUID().slice(0, 8)}`,
      teamId: given.team.id,
      taskType: "CLASSIFICATION",
      createdById: given.user.id,
    },
  });
  return db().endpoint.create({
    data: { name: `cp-${randomUUID().slice(0, 8)}`, modelId: model.id, environment: "STAGING", target: "LOCAL" },
  });
}

const describeCapture = async (name: string) => {
  const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/${name}`, {
    headers: { authorization: `Bearer ${runtime.controlToken}` },
  });
  return ((await response.json()) as { capture?: { rate: number } }).capture;
};

describe("capture policy", () => {
  it("the owning team's data scientist sets it: saved, audited, and live on the runtime without a redeploy", async () => {
    const endpoint = await givenEndpoint("Capture owners");
    await serveTabularEndpoint(runtime, directory.directory, endpoint.name);
    expect(await describeCapture(endpoint.name)).toEqual({ rate: 1 });
    const { caller, given } = await callerFor("DATA_SCIENTIST", "Capture owners");
    const saved = await caller.endpoints.setCapturePolicy({ endpointId: endpoint.id, rate: 0.25, retentionDays: 7 });
    expect(saved).toMatchObject({ captureRate: 0.25, captureRetentionDays: 7, runtime: "applied" });
    expect(await describeCapture(endpoint.name)).toEqual({ rate: 0.25 });
    const audit = await db().auditLog.findFirstOrThrow({
      where: { entityId: endpoint.id, action: "endpoint.capture" },
    });
    expect(audit).toMatchObject({
      actorId: given.user.id,
      before: { rate: 1, retentionDays: 30 },
      after: { rate: 0.25, retentionDays: 7 },
    });
  });

  it("refuses viewers, other teams and bad values, writing nothing", async () => {
    const endpoint = await givenEndpoint("Capture owners");
    const viewer = (await callerFor("VIEWER", "Capture owners")).caller;
    const stranger = (await callerFor("DATA_SCIENTIST", "Someone else")).caller;
    const owner = (await callerFor("DATA_SCIENTIST", "Capture owners")).caller;
    const input = { endpointId: endpoint.id, rate: 0.5, retentionDays: 10 };
    await expect(viewer.endpoints.setCapturePolicy(input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(stranger.endpoints.setCapturePolicy(input)).rejects.toMatchObject({ code: "FORBIDDEN" });
    for (const bad of [
      { rate: 1.5, retentionDays: 10 },
      { rate: -0.1, retentionDays: 10 },
      { rate: 0.5, retentionDays: 0 },
      { rate: 0.5, retentionDays: 3651 },
      { rate: 0.5, retentionDays: 2.5 },
    ])
      await expect(owner.endpoints.setCapturePolicy({ endpointId: endpoint.id, ...bad })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    expect(await db().endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      captureRate: 1,
      captureRetentionDays: 30,
    });
    expect(await db().auditLog.count({ where: { entityId: endpoint.id } })).toBe(0);
  });

  it("saves even when the runtime does not serve the endpoint or does not answer, and says so", async () => {
    const endpoint = await givenEndpoint("Capture owners");
    const owner = (await callerFor("DATA_SCIENTIST", "Capture owners")).caller;
    expect(
      await owner.endpoints.setCapturePolicy({ endpointId: endpoint.id, rate: 0.1, retentionDays: 5 }),
    ).toMatchObject({ runtime: "not-serving" });
    const offline = (await callerFor("DATA_SCIENTIST", "Capture owners", `http://127.0.0.1:${await freePort()}`))
      .caller;
    expect(
      await offline.endpoints.setCapturePolicy({ endpointId: endpoint.id, rate: 0.2, retentionDays: 5 }),
    ).toMatchObject({ runtime: "unreachable", captureRate: 0.2 });
    expect(await db().endpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({ captureRate: 0.2 });
  });
});
