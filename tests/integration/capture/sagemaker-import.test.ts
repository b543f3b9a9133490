import { randomBytes, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureRecordSchema, type CaptureRecord } from "@/contracts/prediction-capture";
import { db } from "@/server/db/client";
import { CaptureObjects } from "@/server/integrations/sagemaker/capture-objects";
import { captureStreamSink } from "@/server/jobs/handlers/sagemaker-capture-import";
import { uuidFrom } from "@/server/services/capture/sagemaker-import-parse";
import { importSageMakerCaptures, type CaptureSink } from "@/server/services/capture/sagemaker-import";
import { givenUser } from "@/tests/integration/fixtures";
import { unique } from "@/tests/integration/registry/fixtures";
import { startLocalS3 } from "@/tests/integration/support/local-s3";

const BUCKET = "capture-bucket";

let s3: Awaited<ReturnType<typeof startLocalS3>>;
let redis: Redis;
let userId: string;
const streams: string[] = [];

beforeAll(async () => {
  s3 = await startLocalS3(BUCKET);
  redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  userId = (await givenUser("DATA_SCIENTIST")).user.id;
});

afterAll(async () => {
  if (streams.length > 0) await redis.del(...streams);
  redis.disconnect();
  await s3.stop();
});

/** A SageMaker endpoint capturing 25% of requests, its variant "primary" serving a model with amount,hour → probability. */
async function givenSageMakerEndpoint(variants = ["primary"]) {
  const { team } = await givenUser("DATA_SCIENTIST");
  const model = await db().registeredModel.create({
    data: { name: unique("sm-model"), teamId: team.id, taskType: "CLASSIFICATION", createdById: userId },
  });
  const version = await db().modelVersion.create({
    data: {
      modelId: model.id,
      version: 1,
      format: "ONNX",
      createdById: userId,
      signature: {
        inputs: [
          { name: "amount", type: "float32" },
          { name: "hour", type: "float32" },
        ],
        outputs: [{ name: "probability", type: "float32" }],
      },
    },
  });
  const endpoint = await db().endpoint.create({
    data: {
      name: unique("sm-endpoint"),
      modelId: model.id,
      environment: "PRODUCTION",
      target: "SAGEMAKER",
      captureRate: 0.25,
    },
  });
  await db().endpointVariant.createMany({
    data: variants.map((variantName) => ({ endpointId: endpoint.id, versionId: version.id, variantName, weight: 50 })),
  });
  return { name: endpoint.name, modelName: model.name };
}

type Event = {
  eventId: string;
  inferenceId?: string;
  input: { data: string; encoding: "JSON" | "CSV" | "BASE64"; observedContentType?: string };
  output: { data: string; encoding: "JSON" | "CSV" | "BASE64"; observedContentType?: string };
};

const jsonEvent = (rows: Record<string, number>[], probabilities: number[], inferenceId?: string): Event => ({
  eventId: randomUUID(),
  inferenceId,
  input: { data: JSON.stringify({ rows }), encoding: "JSON", observedContentType: "application/json" },
  output: {
    data: JSON.stringify({ predictions: probabilities.map((probability) => ({ probability })) }),
    encoding: "JSON",
    observedContentType: "application/json",
  },
});

const line = (event: Event, time = "2026-12-02T10:15:00Z") =>
  JSON.stringify({
    captureData: {
      endpointInput: { mode: "INPUT", ...event.input },
      endpointOutput: { mode: "OUTPUT", ...event.output },
    },
    eventMetadata: { eventId: event.eventId, inferenceId: event.inferenceId, inferenceTime: time },
    eventVersion: "0",
  });

function harness(prefix: string) {
  const streamKey = `test:capture:${randomBytes(6).toString("hex")}`;
  streams.push(streamKey);
  const objects = new CaptureObjects(s3.client, `s3://${BUCKET}/${prefix}`);
  const sink = captureStreamSink(redis, streamKey);
  const run = (withSink: CaptureSink = sink) => importSageMakerCaptures({ db: db(), objects, sink: withSink });
  const stream = async (): Promise<CaptureRecord[]> =>
    (await redis.xrange(streamKey, "-", "+")).map(([, fields]) => captureRecordSchema.parse(JSON.parse(fields[1]!)));
  const key = (endpoint: string, variant: string, hour: string, name: string) =>
    `${prefix}/${endpoint}/${variant}/2026/12/02/${hour}/${name}.jsonl`;
  return { run, stream, key, streamKey };
}

describe("SageMaker capture import (real S3-compatible server, real Redis and PostgreSQL)", () => {
  it("turns every captured request into one record per row, skipping malformed lines with a reason", async () => {
    const endpoint = await givenSageMakerEndpoint();
    const { run, stream, key } = harness("import");
    const multi = jsonEvent(
      [
        { amount: 10, hour: 3 },
        { amount: 20, hour: 4 },
      ],
      [0.9, 0.1],
      "txn-42",
    );
    const named = { ...jsonEvent([{ amount: 5, hour: 1 }], [0.3]), eventId: "not-a-uuid-event" };
    const csv: Event = {
      eventId: randomUUID(),
      input: { data: "7,8\n9,10", encoding: "CSV", observedContentType: "text/csv" },
      output: { data: "0.7\n0.2", encoding: "CSV", observedContentType: "text/csv" },
    };
    const base64: Event = {
      eventId: randomUUID(),
      input: {
        data: Buffer.from(JSON.stringify({ row: { amount: 1, hour: 2 } })).toString("base64"),
        encoding: "BASE64",
        observedContentType: "application/json",
      },
      output: {
        data: Buffer.from(JSON.stringify({ predictions: [{ probability: 0.5 }] })).toString("base64"),
        encoding: "BASE64",
        observedContentType: "application/json",
      },
    };
    const mismatch = jsonEvent([{ amount: 1, hour: 1 }], [0.1, 0.2]);
    await s3.put(key(endpoint.name, "primary", "10", "15-00-000-a"), [line(multi), line(named)].join("\n") + "\n");
    await s3.put(
      key(endpoint.name, "primary", "11", "02-00-000-b"),
      [line(csv), "{not json", JSON.stringify({ captureData: {} }), line(mismatch), line(base64)].join("\n"),
    );
    await s3.put(key(endpoint.name, "primary", "11", "03-00-000-c") + ".tmp", "ignored: not .jsonl");

    const summary = await run();
    expect(summary).toMatchObject({ objects: 2, records: 6, malformedLines: 3 });
    expect(summary.malformed.map((m) => [m.key.split("/").at(-1), m.line])).toEqual([
      ["02-00-000-b.jsonl", 2],
      ["02-00-000-b.jsonl", 3],
      ["02-00-000-b.jsonl", 4],
    ]);
    expect(summary.malformed[0]!.reason).toContain("not valid JSON");
    expect(summary.malformed[2]!.reason).toContain("2 predictions for 1 input rows");

    const records = await stream();
    expect(records).toHaveLength(6);
    expect(records[0]).toMatchObject({
      id: multi.eventId,
      requestId: multi.eventId,
      rowIndex: 0,
      endpoint: endpoint.name,
      variant: "primary",
      modelName: endpoint.modelName,
      modelVersion: 1,
      correlationId: "txn-42",
      inputs: { amount: 10, hour: 3 },
      outputs: { probability: 0.9 },
      captureProbability: 0.25,
      source: "SAGEMAKER",
      predictedAt: "2026-12-02T10:15:00Z",
    });
    expect(records[1]).toMatchObject({ id: uuidFrom(`${multi.eventId}#1`), requestId: multi.eventId, rowIndex: 1 });
    expect(records[2]).toMatchObject({ id: uuidFrom("not-a-uuid-event"), inputs: { amount: 5, hour: 1 } });
    expect(records[3]).toMatchObject({ inputs: { amount: 7, hour: 8 }, outputs: { probability: 0.7 } });
    expect(records[4]).toMatchObject({ inputs: { amount: 9, hour: 10 }, outputs: { probability: 0.2 } });
    expect(records[5]).toMatchObject({ id: base64.eventId, inputs: { amount: 1, hour: 2 } });

    const cursor = await db().sageMakerCaptureCursor.findUniqueOrThrow({
      where: { endpointName_variantName: { endpointName: endpoint.name, variantName: "primary" } },
    });
    expect(cursor).toMatchObject({ objects: 2, records: 6, malformed: 3 });
    expect(cursor.lastKey).toBe(key(endpoint.name, "primary", "11", "02-00-000-b"));
  });

  it("imports nothing new when run again, then only what arrived since, per variant", async () => {
    const endpoint = await givenSageMakerEndpoint(["primary", "shadow"]);
    const { run, stream, key } = harness("again");
    await s3.put(key(endpoint.name, "primary", "10", "00-00-000-a"), line(jsonEvent([{ amount: 1, hour: 1 }], [0.1])));
    await s3.put(key(endpoint.name, "shadow", "10", "00-00-000-a"), line(jsonEvent([{ amount: 2, hour: 2 }], [0.2])));
    expect(await run()).toMatchObject({ objects: 2, records: 2 });
    expect(await run()).toMatchObject({ objects: 0, records: 0 });
    expect(await stream()).toHaveLength(2);

    await s3.put(key(endpoint.name, "primary", "12", "00-00-000-b"), line(jsonEvent([{ amount: 3, hour: 3 }], [0.3])));
    expect(await run()).toMatchObject({ objects: 1, records: 1 });
    const records = await stream();
    expect(records.map((r) => [r.variant, r.inputs.amount])).toEqual([
      ["primary", 1],
      ["shadow", 2],
      ["primary", 3],
    ]);
    expect(records[1]).toMatchObject({ modelName: endpoint.modelName, captureProbability: 0.25 });
  });

  it("resumes after a crash mid-listing without losing or repeating an object", async () => {
    const endpoint = await givenSageMakerEndpoint();
    const { run, stream, key, streamKey } = harness("crash");
    const events = Array.from({ length: 5 }, (_, i) => jsonEvent([{ amount: i, hour: i }], [i / 10]));
    for (const [i, event] of events.entries()) {
      await s3.put(key(endpoint.name, "primary", "10", `0${i}-00-000-x`), line(event));
    }
    let calls = 0;
    const real = captureStreamSink(redis, streamKey);
    const crashing: CaptureSink = async (records) => {
      calls += 1;
      if (calls === 3) throw new Error("worker killed while importing");
      await real(records);
    };
    await expect(run(crashing)).rejects.toThrow("worker killed");
    expect((await stream()).map((r) => r.id)).toEqual(events.slice(0, 2).map((e) => e.eventId));

    expect(await run()).toMatchObject({ objects: 3, records: 3 });
    expect((await stream()).map((r) => r.id)).toEqual(events.map((e) => e.eventId));
    const cursor = await db().sageMakerCaptureCursor.findUniqueOrThrow({
      where: { endpointName_variantName: { endpointName: endpoint.name, variantName: "primary" } },
    });
    expect(cursor).toMatchObject({ objects: 5, records: 5 });
  });
});
