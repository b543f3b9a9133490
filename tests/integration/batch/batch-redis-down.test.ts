import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { closeQueues } from "@/server/jobs/define-job";
import { callApi, givenToken } from "@/tests/integration/fixtures";
import { freePort } from "@/tests/integration/runtime/runtime-process";

// Redis down when a batch job is created or resumed. Invariants:
// 1. The request answers (503 UNAVAILABLE) in bounded time: it never hangs waiting for Redis to come back.
// 2. The job is saved as FAILED with the reason, so it is never left QUEUED with no queued work behind it, and it
//    can be resumed once Redis is back.
// Nothing listens on this port; read once by env(), before anything here touches the queue.
process.env.REDIS_URL = `redis://127.0.0.1:${await freePort()}`;

afterAll(async () => {
  await closeQueues();
});

/** Fails the test instead of hanging when the request does not answer. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe("Redis down", () => {
  it("answers 503 and saves the job as failed and resumable", { timeout: 60_000 }, async () => {
    const scientist = await givenToken("DATA_SCIENTIST", ["read", "models:write"]);
    const token = scientist.secret;
    const name = `batch-redis-${Date.now().toString(36)}`;
    const model = await callApi("POST", "/models", {
      token,
      json: { name, team: scientist.team.name, taskType: "CLASSIFICATION" },
    });
    expect(model.status, model.text).toBe(201);
    const dataset = await callApi("POST", `/models/${name}/datasets?fileName=rows.csv`, {
      token,
      body: new TextEncoder().encode("id,x\na,1\nb,2\n"),
      headers: { "content-type": "text/csv" },
    });
    expect(dataset.status, dataset.text).toBe(201);
    // An ONNX version needs only a model file and a signature to be accepted; the job never runs here.
    await db().modelVersion.create({
      data: {
        modelId: model.json.id as string,
        version: 1,
        format: "ONNX",
        artifactId: dataset.json.id as string,
        signature: { inputs: [{ name: "x", type: "float32" }], outputs: [{ name: "y", type: "float32" }] },
        createdById: scientist.user.id,
      },
    });

    const created = await within(
      20_000,
      "Creating a job with Redis down",
      callApi("POST", `/models/${name}/batch-jobs`, {
        token,
        json: { version: 1, inputArtifactId: dataset.json.id, keyColumns: ["id"] },
      }),
    );
    expect(created.status, created.text).toBe(503);
    expect(created.json.error?.code).toBe("UNAVAILABLE");
    const job = await db().batchJob.findFirstOrThrow({ where: { version: { model: { name } } } });
    expect(job.status).toBe("FAILED");
    expect(job.failureReason).toMatch(/^Could not queue: /);
    expect(job.finishedAt).not.toBeNull();

    const resumed = await within(
      20_000,
      "Resuming a job with Redis down",
      callApi("POST", `/batch-jobs/${job.id}/resume`, { token }),
    );
    expect(resumed.status, resumed.text).toBe(503);
    expect((await db().batchJob.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("FAILED");
  });
});
