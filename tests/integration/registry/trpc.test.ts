import { describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import type { Role } from "@/server/db/generated/enums";
import { givenUser } from "@/tests/integration/fixtures";
import { givenOnnxRun, givenRun, registryCounts, unique } from "@/tests/integration/registry/fixtures";
import { containerArchive, TABULAR_SIGNATURE, vllmArchive } from "@/tests/integration/support/model-artifacts";

async function callerFor(role: Role) {
  const given = await givenUser(role);
  const user = await db().user.findUniqueOrThrow({ where: { id: given.user.id }, include: { team: true } });
  return { ...given, caller: createCaller({ system: systemContextFromEnv(), user }) };
}

describe("registry tRPC router", () => {
  it("lets a data scientist create, register and alias, and anyone read", async () => {
    const { caller, ctx } = await callerFor("DATA_SCIENTIST");
    const name = unique("trpc-model");
    await caller.registry.createModel({ name, taskType: "LLM", tags: ["chat"] });
    const { run } = await givenRun(ctx, { metrics: { rougeL: 0.41 }, artifacts: { "model.tar.gz": vllmArchive() } });
    await caller.registry.registerVersion({
      name,
      version: { runId: run.id, artifactPath: "model.tar.gz", format: "VLLM" },
    });
    await caller.registry.setAlias({ name, alias: "champion", version: 1, reason: "first" });
    await caller.registry.updateModel({ name, changes: { description: "Chat model" } });

    const viewer = (await callerFor("VIEWER")).caller;
    expect(await viewer.registry.get({ name })).toMatchObject({
      description: "Chat model",
      aliases: [{ alias: "champion", version: 1 }],
    });
    expect(await viewer.registry.version({ name, version: 1 })).toMatchObject({ metrics: { rougeL: 0.41 } });
    expect(await viewer.registry.list({ search: name })).toMatchObject({ total: 1 });
    expect((await viewer.registry.aliasHistory({ name, alias: "champion" })).items).toHaveLength(1);
    expect(await viewer.registry.versionAt({ name, alias: "champion", at: new Date() })).toMatchObject({
      version: 1,
    });
    expect((await viewer.registry.teams()).map((t) => t.name)).toContain("Test team");
    expect(await viewer.registry.tags()).toContainEqual({ tag: "chat", count: 1 });
  });

  it("refuses every mutation to a viewer with FORBIDDEN and writes nothing", async () => {
    const owner = await callerFor("DATA_SCIENTIST");
    const name = unique("trpc-guarded");
    await owner.caller.registry.createModel({ name, taskType: "OTHER" });
    const { run } = await givenOnnxRun(owner.ctx, { artifacts: { "model.tar.gz": containerArchive() } });
    await owner.caller.registry.registerVersion({
      name,
      version: { runId: run.id, artifactPath: "model.onnx", format: "ONNX" },
    });
    await owner.caller.registry.setAlias({ name, alias: "champion", version: 1, reason: "launch" });
    const { caller } = await callerFor("VIEWER");
    const before = await registryCounts();

    const forbidden = { code: "FORBIDDEN" };
    await expect(caller.registry.createModel({ name: unique("m"), taskType: "OTHER" })).rejects.toMatchObject(
      forbidden,
    );
    await expect(caller.registry.updateModel({ name, changes: { description: "x" } })).rejects.toMatchObject(forbidden);
    await expect(
      caller.registry.registerVersion({
        name,
        version: { runId: run.id, artifactPath: "model.tar.gz", format: "CONTAINER", signature: TABULAR_SIGNATURE },
      }),
    ).rejects.toMatchObject(forbidden);
    await expect(caller.registry.setAlias({ name, alias: "staging", version: 1, reason: "x" })).rejects.toMatchObject(
      forbidden,
    );
    await expect(caller.registry.removeAlias({ name, alias: "champion", reason: "x" })).rejects.toMatchObject(
      forbidden,
    );

    expect(await registryCounts()).toEqual(before);
  });

  it("maps service errors to tRPC codes", async () => {
    const { caller } = await callerFor("DATA_SCIENTIST");
    await expect(caller.registry.get({ name: "missing-model" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      caller.registry.setAlias({ name: "missing-model", alias: "latest", version: 1, reason: "x" }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("answers a page's existence checks with nothing, or NOT_FOUND, and only to someone signed in", async () => {
    const { caller, ctx } = await callerFor("DATA_SCIENTIST");
    const name = unique("trpc-exists");
    await caller.registry.createModel({ name, taskType: "OTHER" });
    const { run } = await givenOnnxRun(ctx);
    await caller.registry.registerVersion({
      name,
      version: { runId: run.id, artifactPath: "model.onnx", format: "ONNX" },
    });
    const viewer = (await callerFor("VIEWER")).caller;

    await expect(viewer.registry.exists({ name })).resolves.toBeUndefined();
    await expect(viewer.registry.versionExists({ name, version: 1 })).resolves.toBeUndefined();
    await expect(viewer.registry.exists({ name: "missing-model" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(viewer.registry.versionExists({ name, version: 2 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(viewer.registry.versionExists({ name: "missing-model", version: 1 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const anonymous = createCaller({ system: systemContextFromEnv(), user: null });
    await expect(anonymous.registry.exists({ name })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
