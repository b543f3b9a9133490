import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemContextFromEnv } from "@/server/context-from-env";
import { db } from "@/server/db/client";
import { AppError } from "@/server/errors";
import { actingAs } from "@/server/services/context";
import { setScaleToZero } from "@/server/services/endpoints/scale-to-zero";
import { givenServedEndpoint, runtimeClientOf } from "@/tests/integration/async-inference/async-world";
import { startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { givenUser } from "@/tests/integration/fixtures";

// An endpoint's scale to zero, set from the portal. Invariants: the setting is saved with its audit row in one
// transaction and reaches the runtime in place (no reload); off, a sleeping endpoint wakes; a runtime that does not
// serve the endpoint leaves it for the next deployment (said in the answer); bad input and endpoints of other targets
// change nothing.

let stack: ModelRuntime;
let world: Awaited<ReturnType<typeof givenServedEndpoint>>;
let ctx: ReturnType<typeof actingAs>;

beforeAll(async () => {
  stack = await startModelRuntime("modelport-scale-setting-");
  world = await givenServedEndpoint(stack, "scale-setting");
  const scientist = await givenUser("DATA_SCIENTIST", world.model.scientist.team.name);
  ctx = actingAs({ ...systemContextFromEnv(), runtime: runtimeClientOf(stack) }, scientist.actor);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const runtimeView = () => world.runtime.control().getEndpoint(world.endpoint.name);
const audits = () => db().auditLog.count({ where: { entityId: world.endpoint.id, action: "endpoint.scale-to-zero" } });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "OK",
    (error: unknown) => (error instanceof AppError ? error.code : String(error)),
  );

describe("setting an endpoint's scale to zero", () => {
  it("saves it with its audit row and applies it in place; turned off while asleep, the endpoint wakes", async () => {
    expect(await setScaleToZero(ctx, { endpointId: world.endpoint.id, idleMinutes: 30 })).toEqual({
      endpointId: world.endpoint.id,
      idleSeconds: 1800,
      runtime: "applied",
    });
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: world.endpoint.id } })).scaleToZeroIdleSeconds).toBe(
      1800,
    );
    expect((await runtimeView())?.sleep).toEqual({ state: "awake", idleSeconds: 1800 });
    expect(await audits()).toBe(1);

    // The runtime puts it to sleep (as an idle timer would), then the team turns scale to zero off.
    await world.runtime.control().putScaleToZero(world.endpoint.name, 1);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await runtimeView())?.sleep?.state).toBe("asleep");
    expect((await setScaleToZero(ctx, { endpointId: world.endpoint.id, idleMinutes: null })).runtime).toBe("applied");
    const view = await runtimeView();
    expect(view?.sleep).toBeUndefined();
    expect(view?.variants.every((v) => v.ready)).toBe(true);
    expect(await audits()).toBe(2);
  });

  it("leaves it to the next deployment when the runtime does not serve the endpoint", async () => {
    await world.runtime.control().deleteEndpoint(world.endpoint.name);
    expect((await setScaleToZero(ctx, { endpointId: world.endpoint.id, idleMinutes: 5 })).runtime).toBe("not-serving");
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: world.endpoint.id } })).scaleToZeroIdleSeconds).toBe(
      300,
    );
  });

  it("refuses bad input and endpoints of other targets, changing nothing", async () => {
    const before = await audits();
    for (const idleMinutes of [0, 1.5, 7 * 24 * 60 + 1, -5])
      expect(
        await codeOf(setScaleToZero(ctx, { endpointId: world.endpoint.id, idleMinutes })),
        String(idleMinutes),
      ).toBe("BAD_REQUEST");
    expect(await codeOf(setScaleToZero(ctx, { endpointId: "no-such-endpoint", idleMinutes: 5 }))).toBe("NOT_FOUND");
    const remote = await db().endpoint.create({
      data: {
        name: `${world.endpoint.name}-sm`,
        modelId: world.endpoint.modelId,
        environment: "STAGING",
        target: "SAGEMAKER",
      },
    });
    expect(await codeOf(setScaleToZero(ctx, { endpointId: remote.id, idleMinutes: 5 }))).toBe("UNPROCESSABLE");
    expect((await db().endpoint.findUniqueOrThrow({ where: { id: remote.id } })).scaleToZeroIdleSeconds).toBeNull();
    expect(await audits()).toBe(before);
  });
});
