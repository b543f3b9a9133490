import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WEBHOOK_HEADERS, webhookBodySchema } from "@/contracts/async-invocations";
import type { PredictResponse } from "@/contracts/runtime-predict";
import { verifyWebhookSignature } from "@/lib/webhook-signature";
import { db } from "@/server/db/client";
import { asyncInferenceJob } from "@/server/jobs/async-inference";
import { queueFor } from "@/server/jobs/define-job";
import { enqueueActiveInvocations } from "@/server/services/async-inference/invocations";
import { deliverWebhook } from "@/server/services/async-inference/deliver-webhook";
import { MAX_RUNS, runAsyncInvocation } from "@/server/services/async-inference/run-invocation";
import { callApi } from "@/tests/integration/fixtures";
import { personWithCaller, trpcOutcome } from "@/tests/integration/support/trpc-caller";
import { counterValue } from "@/tests/integration/runtime/runtime-process";
import { exportClusterGauges, workerMetrics } from "@/workers/metrics";
import { exportAsyncBacklog } from "@/workers/async-backlog";
import { until } from "@/tests/integration/support/until";
import { loadScratchEndpoint } from "@/server/services/quality/gate/scratch-endpoint";
import { featuresOf } from "@/tests/integration/batch/batch-world";
import { startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import {
  asyncRuntime,
  givenServedEndpoint,
  givenTeamToken,
  invoke,
  storedText,
  webhookDeps,
} from "@/tests/integration/async-inference/async-world";

// Asynchronous inference seen by an attacker and through an outage. Invariants:
// 1. An accepted payload (202) is scored into exactly what the endpoint's real-time routes answer for it, row for row;
//    its result is readable only by the endpoint's team, and only once it exists (409 before).
// 2. A request that cannot be taken (content type, size, malformed JSON, a half or unsafe callback, an unknown or
//    remote endpoint, another team, a token without the scope) is refused with a 4xx and writes nothing.
// 3. A payload the model refuses ends FAILED naming the row (counted across slices); the runtime unreachable fails it
//    only on the last attempt (before, the error goes back to BullMQ and the row stays RUNNING).
// 4. The row is the truth: an invocation whose queue entry was lost is queued again, once; two workers at once score
//    it once (one finds nothing to do).
// 5. A webhook delivery is signed with the caller's secret, retried until a 2xx, never follows a redirect, and the
//    secret is erased once delivery ends (delivered or given up).

let stack: ModelRuntime;
let world: Awaited<ReturnType<typeof givenServedEndpoint>>;

beforeAll(async () => {
  stack = await startModelRuntime("modelport-async-");
  world = await givenServedEndpoint(stack, "async");
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const rowsOf = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) =>
    Object.fromEntries(
      world.model.featureNames.map((name, f) => [name, featuresOf(from + i, world.model.featureNames)[f]]),
    ),
  );

const csvOf = (count: number) =>
  Array.from({ length: count }, (_, i) => `${featuresOf(i, world.model.featureNames).join(",")}\n`).join("");

const invocationCount = () => db().asyncInvocation.count();

/** Requests the runtime answered 503 on the endpoint (a sleeping endpoint's answer while it wakes). */
const refusedWhileAsleep = async () =>
  counterValue(await (await fetch(`${stack.runtime.baseUrl}/metrics`)).text(), "modelport_runtime_requests_total", {
    endpoint: world.endpoint.name,
    status: "503",
  });

async function accepted(body: string, headers?: Record<string, string>) {
  const response = await invoke(world.invoker.secret, world.endpoint.name, body, headers);
  expect(response.status, response.text).toBe(202);
  return response.json as { id: string; status: string };
}

describe("asynchronous invocations", () => {
  it("scores a JSON payload across slices into exactly what /predict answers, readable once it exists", async () => {
    const rows = rowsOf(12_345);
    const { id, status } = await accepted(JSON.stringify({ rows }));
    expect(status).toBe("QUEUED");
    const early = await callApi("GET", `/async-invocations/${id}/result`, { token: world.invoker.secret });
    expect(early.status).toBe(409);

    expect(await runAsyncInvocation(asyncRuntime(stack, "w1"), id)).toBe("SUCCEEDED");
    const view = await callApi("GET", `/async-invocations/${id}`, { token: world.invoker.secret });
    expect(view.json).toMatchObject({ status: "SUCCEEDED", rows: 12_345, attempts: 1 });
    expect(view.json.served).toEqual([
      { rows: 12_345, variant: world.variant.variantName, modelVersion: world.model.version },
    ]);

    const result = await callApi("GET", `/async-invocations/${id}/result`, { token: world.invoker.secret });
    expect(result.status).toBe(200);
    expect(result.headers.get("content-type")).toMatch(/^application\/json/);
    const body = result.json as unknown as { predictions: unknown[]; predictionIds: string[] };
    expect(body.predictions).toHaveLength(12_345);
    expect(new Set(body.predictionIds).size).toBe(12_345);
    const direct = (await (
      await world.runtime.predict(world.endpoint.name, rows.slice(10_000, 10_100), 30_000)
    ).json()) as PredictResponse;
    expect(body.predictions.slice(10_000, 10_100)).toEqual(direct.predictions);

    // Another team's data scientist, even with the scope, reads neither the invocation nor its result.
    const outsider = await givenTeamToken("Another team", ["inference:invoke"]);
    for (const path of [`/async-invocations/${id}`, `/async-invocations/${id}/result`])
      expect((await callApi("GET", path, { token: outsider.secret })).status).toBe(403);
  });

  it("scores CSV records into one answer line per record, as the runtime's CSV route answers", async () => {
    const csv = csvOf(2_500);
    const { id } = await accepted(csv, { "content-type": "text/csv; charset=utf-8" });
    expect(await runAsyncInvocation(asyncRuntime(stack, "w1"), id)).toBe("SUCCEEDED");
    const row = await db().asyncInvocation.findUniqueOrThrow({ where: { id } });
    expect(row.rows).toBe(2_500);
    const direct = await world.runtime.invokeCsv(world.endpoint.name, new TextEncoder().encode(csv), {}, 30_000);
    expect(await storedText(row.outputSha256!)).toBe(await direct.text());
    const result = await callApi("GET", `/async-invocations/${id}/result`, { token: world.invoker.secret });
    expect(result.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(result.text.split("\n")).toHaveLength(2_501);
  });

  it("refuses what it cannot take with a 4xx and writes nothing", async () => {
    const before = await invocationCount();
    const json = { "content-type": "application/json" };
    const cases: [string, Promise<{ status: number }>, number][] = [
      ["content type", invoke(world.invoker.secret, world.endpoint.name, "a,b", { "content-type": "text/plain" }), 415],
      [
        "declared size",
        invoke(world.invoker.secret, world.endpoint.name, "{}", { ...json, "content-length": String(2 ** 40) }),
        413,
      ],
      ["not JSON", invoke(world.invoker.secret, world.endpoint.name, "{rows:", json), 400],
      ["no rows", invoke(world.invoker.secret, world.endpoint.name, JSON.stringify({ rows: [] }), json), 400],
      [
        "rows not objects",
        invoke(world.invoker.secret, world.endpoint.name, JSON.stringify({ rows: [1, 2] }), json),
        400,
      ],
      ["empty CSV", invoke(world.invoker.secret, world.endpoint.name, "", { "content-type": "text/csv" }), 400],
      [
        "blank lines",
        invoke(world.invoker.secret, world.endpoint.name, "\n\r\n\n", { "content-type": "text/csv" }),
        400,
      ],
      [
        "open quote",
        invoke(world.invoker.secret, world.endpoint.name, '1,"2\n3,4\n', { "content-type": "text/csv" }),
        400,
      ],
      [
        "half a callback",
        invoke(world.invoker.secret, world.endpoint.name, JSON.stringify({ rows: rowsOf(1) }), {
          ...json,
          "x-modelport-callback-url": "http://127.0.0.1:9/hook",
        }),
        400,
      ],
      [
        "callback into the network",
        invoke(world.invoker.secret, world.endpoint.name, JSON.stringify({ rows: rowsOf(1) }), {
          ...json,
          "x-modelport-callback-url": "http://169.254.169.254/latest/meta-data",
          "x-modelport-callback-secret": "s".repeat(32),
        }),
        400,
      ],
      [
        "short secret",
        invoke(world.invoker.secret, world.endpoint.name, JSON.stringify({ rows: rowsOf(1) }), {
          ...json,
          "x-modelport-callback-url": "http://127.0.0.1:9/hook",
          "x-modelport-callback-secret": "short",
        }),
        400,
      ],
      ["unknown endpoint", invoke(world.invoker.secret, "no-such-endpoint", JSON.stringify({ rows: rowsOf(1) })), 404],
    ];
    for (const [what, call, status] of cases) expect((await call).status, what).toBe(status);

    const outsider = await givenTeamToken("Another team", ["inference:invoke"]);
    expect((await invoke(outsider.secret, world.endpoint.name, JSON.stringify({ rows: rowsOf(1) }))).status).toBe(403);
    const readOnly = await givenTeamToken(world.model.scientist.team.name, ["read"]);
    expect((await invoke(readOnly.secret, world.endpoint.name, JSON.stringify({ rows: rowsOf(1) }))).status).toBe(403);

    const remote = await db().endpoint.create({
      data: {
        name: `${world.endpoint.name}-sm`,
        modelId: world.endpoint.modelId,
        environment: "STAGING",
        target: "SAGEMAKER",
      },
    });
    expect((await invoke(world.invoker.secret, remote.name, JSON.stringify({ rows: rowsOf(1) }))).status).toBe(422);
    expect(await invocationCount()).toBe(before);
  });

  it("fails a payload the model refuses at once, naming the row across slices", async () => {
    const rows: Record<string, unknown>[] = rowsOf(10_010);
    rows[10_003] = { ...rows[10_003], [world.model.featureNames[0]!]: "lots" };
    const { id } = await accepted(JSON.stringify({ rows }));
    expect(await runAsyncInvocation(asyncRuntime(stack, "w1"), id, { lastAttempt: false })).toBe("FAILED");
    const row = await db().asyncInvocation.findUniqueOrThrow({ where: { id } });
    expect(row.failureReason).toMatch(/^row 10003: /);
    expect(row.outputSha256).toBeNull();

    const csv = `${csvOf(3)}1,2\n`;
    const short = await accepted(csv, { "content-type": "text/csv" });
    expect(await runAsyncInvocation(asyncRuntime(stack, "w1"), short.id, { lastAttempt: false })).toBe("FAILED");
    expect((await db().asyncInvocation.findUniqueOrThrow({ where: { id: short.id } })).failureReason).toMatch(
      /^row 3: /,
    );
  });

  it("leaves the runtime unreachable to BullMQ's retry, and fails only on the last attempt", async () => {
    const { id } = await accepted(JSON.stringify({ rows: rowsOf(5) }));
    const unreachable = {
      ...asyncRuntime(stack, "w1"),
      runtime: { ...world.runtime, predict: () => Promise.reject(new Error("ECONNREFUSED")) },
    };
    await expect(runAsyncInvocation(unreachable, id, { lastAttempt: false })).rejects.toThrow(/did not answer/);
    expect((await db().asyncInvocation.findUniqueOrThrow({ where: { id } })).status).toBe("RUNNING");
    expect(await runAsyncInvocation(unreachable, id, { lastAttempt: true })).toBe("FAILED");
    const row = await db().asyncInvocation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "FAILED", attempts: 2 });
  });

  it("fails rather than hangs when the store cannot take the result, and gives up on a payload that kills its workers", async () => {
    const { id } = await accepted(csvOf(10), { "content-type": "text/csv" });
    const runtime = asyncRuntime(stack, "w1");
    const brokenStore: typeof runtime.artifacts = Object.assign(Object.create(runtime.artifacts), {
      put: () => Promise.reject(new Error("disk full")),
    });
    await expect(
      runAsyncInvocation({ ...runtime, artifacts: brokenStore }, id, { lastAttempt: false }),
    ).rejects.toThrow(/disk full/);
    expect((await db().asyncInvocation.findUniqueOrThrow({ where: { id } })).status).toBe("RUNNING");

    await db().asyncInvocation.update({ where: { id }, data: { attempts: MAX_RUNS } });
    expect(await runAsyncInvocation(runtime, id, { lastAttempt: false })).toBe("FAILED");
    expect((await db().asyncInvocation.findUniqueOrThrow({ where: { id } })).failureReason).toMatch(
      /started 8 times and never finished/,
    );
  });

  it("waits for an endpoint scaled to zero to wake (503 + Retry-After), then scores it", async () => {
    const control = world.runtime.control();
    const { version, ...variant } = world.variant;
    await control.putEndpoint(world.endpoint.name, {
      variants: [{ ...variant, modelVersion: version, weight: 100, instanceType: "local-cpu", instanceCount: 1 }],
      capture: { rate: 0 },
      scaleToZero: { idleSeconds: 1 },
    });
    await until(
      "the endpoint asleep",
      async () => (await control.getEndpoint(world.endpoint.name))?.sleep?.state === "asleep",
      10_000,
    );
    const refusedBefore = await refusedWhileAsleep();
    const { id } = await accepted(JSON.stringify({ rows: rowsOf(20) }));
    expect(await runAsyncInvocation(asyncRuntime(stack, "w1"), id, { lastAttempt: false })).toBe("SUCCEEDED");
    expect(await refusedWhileAsleep()).toBeGreaterThan(refusedBefore);
    expect((await db().asyncInvocation.findUniqueOrThrow({ where: { id } })).rows).toBe(20);
    await loadScratchEndpoint(world.runtime, world.endpoint.name, [world.variant]);
  });

  it("queues again, once, an invocation whose queue entry was lost; two workers score it once", async () => {
    const { id } = await accepted(JSON.stringify({ rows: rowsOf(50) }));
    const queue = queueFor(asyncInferenceJob.queue);
    await queue.obliterate({ force: true });
    const requeued = await enqueueActiveInvocations(db());
    expect(requeued.invocations).toBeGreaterThanOrEqual(1);
    expect((await enqueueActiveInvocations(db())).invocations).toBe(0);
    await queue.obliterate({ force: true });

    const outcomes = await Promise.all([
      runAsyncInvocation(asyncRuntime(stack, "worker-a"), id),
      runAsyncInvocation(asyncRuntime(stack, "worker-b"), id),
    ]);
    expect(outcomes.sort()).toEqual(["NOTHING_TO_DO", "SUCCEEDED"]);
    expect(await db().asyncInvocation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "SUCCEEDED",
      attempts: 1,
    });
  });
});

type Received = { headers: IncomingMessage["headers"]; body: string };

async function receiver(answers: number[]) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      const status = answers[Math.min(received.length - 1, answers.length - 1)]!;
      response.writeHead(status, status === 302 ? { location: "http://127.0.0.1:9/elsewhere" } : {}).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe("webhooks", () => {
  const secret = "whsec-0123456789abcdef-test";

  async function finishedWithCallback(url: string) {
    const deliveries: string[] = [];
    const { id } = await accepted(JSON.stringify({ rows: rowsOf(3) }), {
      "content-type": "application/json",
      "x-modelport-callback-url": url,
      "x-modelport-callback-secret": secret,
    });
    expect(
      await runAsyncInvocation(
        asyncRuntime(stack, "w1", async (i) => deliveries.push(i)),
        id,
      ),
    ).toBe("SUCCEEDED");
    expect(deliveries).toEqual([id]);
    expect((await db().asyncInvocation.findUniqueOrThrow({ where: { id } })).deliveryStatus).toBe("PENDING");
    return id;
  }

  it("retries until the receiver takes it, signed with the caller's secret, then erases the secret", async () => {
    const hook = await receiver([500, 200]);
    const id = await finishedWithCallback(hook.url);
    await expect(deliverWebhook(webhookDeps(), id, { lastAttempt: false })).rejects.toThrow(/answered 500/);
    expect(await db().asyncInvocation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      deliveryStatus: "PENDING",
      deliveryAttempts: 1,
    });
    expect(await deliverWebhook(webhookDeps(), id, { lastAttempt: false })).toBe("DELIVERED");
    expect(await deliverWebhook(webhookDeps(), id)).toBe("NOTHING_TO_DO");
    const row = await db().asyncInvocation.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      deliveryStatus: "DELIVERED",
      deliveryAttempts: 2,
      callbackSecret: null,
      deliveryError: null,
    });

    expect(hook.received).toHaveLength(2);
    const last = hook.received[1]!;
    expect(last.headers[WEBHOOK_HEADERS.invocationId]).toBe(id);
    const signature = String(last.headers[WEBHOOK_HEADERS.signature]);
    expect(verifyWebhookSignature(secret, signature, last.body, Math.floor(Date.now() / 1000))).toEqual({
      valid: true,
    });
    expect(
      verifyWebhookSignature("another-secret-entirely", signature, last.body, Math.floor(Date.now() / 1000)).valid,
    ).toBe(false);
    expect(webhookBodySchema.parse(JSON.parse(last.body))).toMatchObject({
      invocationId: id,
      endpoint: world.endpoint.name,
      status: "SUCCEEDED",
      rows: 3,
      resultPath: `/api/v1/async-invocations/${id}/result`,
    });
    await hook.close();
  });

  it("does not follow a redirect, and gives up on the last attempt with the secret erased", async () => {
    const hook = await receiver([302]);
    const id = await finishedWithCallback(hook.url);
    expect(await deliverWebhook(webhookDeps(), id, { lastAttempt: true })).toBe("FAILED");
    expect(hook.received).toHaveLength(1);
    expect(await db().asyncInvocation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      deliveryStatus: "FAILED",
      callbackSecret: null,
      deliveryError: "the receiver answered 302",
    });
    await hook.close();
  });

  it("re-checks the host at delivery: one no longer allowed is never called", async () => {
    const hook = await receiver([200]);
    const id = await finishedWithCallback(hook.url);
    expect(await deliverWebhook(webhookDeps({ allowedHosts: ["hooks.example.com"] }), id)).toBe("FAILED");
    expect(hook.received).toHaveLength(0);
    await hook.close();
  });
});

describe("the endpoint's invocations, as its team sees them", () => {
  it("pages newest first without skipping or repeating, counts the backlog, and is closed to other teams", async () => {
    const queued = [];
    for (let i = 0; i < 3; i++) queued.push((await accepted(JSON.stringify({ rows: rowsOf(1) }))).id);
    const team = await personWithCaller("DATA_SCIENTIST", world.model.scientist.team.name);
    const first = await team.caller.asyncInvocations.list({ endpointName: world.endpoint.name, limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual([queued[2], queued[1]]);
    expect(first.backlog.queued).toBeGreaterThanOrEqual(3);
    const second = await team.caller.asyncInvocations.list({
      endpointName: world.endpoint.name,
      limit: 2,
      after: first.nextCursor!,
    });
    expect(second.items[0]!.id).toBe(queued[0]);
    expect(
      await trpcOutcome(team.caller.asyncInvocations.list({ endpointName: world.endpoint.name, after: "no-such-id" })),
    ).toBe("BAD_REQUEST");
    const failed = await team.caller.asyncInvocations.list({ endpointName: world.endpoint.name, status: "FAILED" });
    expect(failed.items.every((i) => i.status === "FAILED")).toBe(true);

    exportClusterGauges(() => true);
    exportAsyncBacklog(db());
    const metrics = await workerMetrics.registry.metrics();
    const backlog = await db().asyncInvocation.count({ where: { endpointId: world.endpoint.id, status: "QUEUED" } });
    expect(
      counterValue(metrics, "modelport_async_backlog_invocations", { endpoint: world.endpoint.name, state: "queued" }),
    ).toBe(backlog);
    expect(
      counterValue(metrics, "modelport_async_oldest_queued_seconds", { endpoint: world.endpoint.name }),
    ).toBeGreaterThan(0);

    const outsider = await personWithCaller("DATA_SCIENTIST", "Another team");
    expect(await trpcOutcome(outsider.caller.asyncInvocations.list({ endpointName: world.endpoint.name }))).toBe(
      "FORBIDDEN",
    );
    const viewer = await personWithCaller("VIEWER", world.model.scientist.team.name);
    expect(await trpcOutcome(viewer.caller.asyncInvocations.list({ endpointName: world.endpoint.name }))).toBe(
      "FORBIDDEN",
    );
    for (const id of queued) await runAsyncInvocation(asyncRuntime(stack, "w1"), id);
  });
});
