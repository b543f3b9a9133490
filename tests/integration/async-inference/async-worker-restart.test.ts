import type { ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { asyncInferenceJob } from "@/server/jobs/async-inference";
import { queueFor } from "@/server/jobs/define-job";
import { featuresOf } from "@/tests/integration/batch/batch-world";
import { spawnWorkerProcess, startModelRuntime, type ModelRuntime } from "@/tests/integration/deployments/deploy-stack";
import { until } from "@/tests/integration/support/until";
import { givenServedEndpoint, invoke, storedText } from "@/tests/integration/async-inference/async-world";

// An asynchronous invocation through the real worker process, as an outage would meet it: its queue entry lost
// (Redis kept nothing), its worker SIGKILLed while scoring. The row is the truth: a worker start queues it again, a
// second worker takes it over once the first one's lease lapses, the result is exactly one line per record, and the
// webhook is delivered.
const RECORDS = 600_000;
let stack: ModelRuntime;
const workers: ChildProcess[] = [];
let hook: { server: Server; url: string; received: string[] };

function startWorker() {
  const child = spawnWorkerProcess(stack.runtime, {
    env: { WORKER_LOCK_DURATION_MS: "2000", WORKER_STALLED_INTERVAL_MS: "1000", DEPLOYMENT_LEASE_MS: "2000" },
    output: "ignore",
    preload: ["server/jobs/handlers/async-inference.ts"],
  });
  workers.push(child);
  return child;
}

beforeAll(async () => {
  stack = await startModelRuntime("modelport-async-restart-");
  const received: string[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push(body);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  hook = { server, received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` };
}, 120_000);

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill("SIGKILL");
  hook?.server.close();
  await stack?.stop();
});

describe("an asynchronous invocation through a worker restart", () => {
  it(
    "is queued again after Redis lost it, survives its worker being killed, and is delivered",
    { timeout: 300_000 },
    async () => {
      const world = await givenServedEndpoint(stack, "async-restart");
      const lines = Array.from({ length: RECORDS }, (_, i) => `${featuresOf(i, world.model.featureNames).join(",")}\n`);
      const accepted = await invoke(world.invoker.secret, world.endpoint.name, lines.join(""), {
        "content-type": "text/csv",
        "x-modelport-callback-url": hook.url,
        "x-modelport-callback-secret": "restart-test-secret-0123456789",
      });
      expect(accepted.status, accepted.text).toBe(202);
      const id = accepted.json.id as string;
      await queueFor(asyncInferenceJob.queue).obliterate({ force: true });

      const first = startWorker();
      await until("the first worker scoring it", async () => {
        const row = await db().asyncInvocation.findUniqueOrThrow({ where: { id } });
        return row.status === "RUNNING";
      });
      first.kill("SIGKILL");
      await new Promise((resolve) => first.once("exit", resolve));
      expect(await db().asyncInvocation.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: "RUNNING",
        outputSha256: null,
      });

      startWorker();
      const done = await until(
        "the second worker finishing it",
        async () => {
          const row = await db().asyncInvocation.findUniqueOrThrow({ where: { id } });
          return row.status !== "RUNNING" && row.status !== "QUEUED" && row;
        },
        240_000,
      );
      expect(done).toMatchObject({ status: "SUCCEEDED", rows: RECORDS, attempts: 2 });
      const output = await storedText(done.outputSha256!);
      expect(output.split("\n")).toHaveLength(RECORDS + 1);
      const direct = await world.runtime.invokeCsv(
        world.endpoint.name,
        new TextEncoder().encode(lines.slice(RECORDS - 1000).join("")),
        {},
        30_000,
      );
      expect(output.split("\n").slice(RECORDS - 1000, RECORDS)).toEqual(
        (await direct.text()).split("\n").slice(0, 1000),
      );

      await until("the webhook delivered", async () => {
        const row = await db().asyncInvocation.findUniqueOrThrow({ where: { id } });
        return row.deliveryStatus === "DELIVERED";
      });
      expect(hook.received.map((body) => (JSON.parse(body) as { invocationId: string }).invocationId)).toContain(id);
    },
  );
});
