import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { applyCaptureRetention } from "@/server/services/capture/retention";
import { listDayPartitions, partitionName, dayOf } from "@/server/services/capture/partitions";
import { givenUser } from "@/tests/integration/fixtures";
import {
  appendRecords,
  captureRecord,
  drain,
  loaderFor,
  testStream,
} from "@/tests/integration/capture/capture-fixtures";

const DAY_MS = 86_400_000;
const stream = testStream();
afterAll(() => stream.cleanup());

describe("capture retention", () => {
  it("drops partitions past the longest retention after keeping rows with outcomes, and deletes rows past their endpoint's retention", async () => {
    const { team, user } = await givenUser("DATA_SCIENTIST");
    const model = await db().registeredModel.create({
      data: {
        name: `ret-${randomUUID().slice(0, 8)}`,
        teamId: team.id,
        taskType: "CLASSIFICATION",
        createdById: user.id,
      },
    });
    const endpoint = await db().endpoint.create({
      data: {
        name: `ret-${randomUUID().slice(0, 8)}`,
        modelId: model.id,
        environment: "PRODUCTION",
        target: "LOCAL",
        captureRetentionDays: 7,
      },
    });
    const now = Date.now();
    const at = (days: number) => new Date(now - days * DAY_MS).toISOString();
    const old = Array.from({ length: 10 }, () => captureRecord({ endpoint: endpoint.name, predictedAt: at(40) }));
    const tenDays = Array.from({ length: 10 }, () => captureRecord({ endpoint: endpoint.name, predictedAt: at(10) }));
    const orphans = Array.from({ length: 4 }, () => captureRecord({ endpoint: "gone", predictedAt: at(10) }));
    const recent = Array.from({ length: 5 }, () => captureRecord({ endpoint: endpoint.name, predictedAt: at(2) }));
    await appendRecords(stream.redis, stream.key, [...old, ...tenDays, ...orphans, ...recent]);
    await drain(loaderFor(stream.redis, stream.key));
    for (const kept of [old[0]!, tenDays[0]!])
      await db().predictionOutcome.create({
        data: {
          predictionId: kept.id,
          source: "FEEDBACK",
          endpointId: endpoint.id,
          variantName: kept.variant,
          predictedAt: new Date(kept.predictedAt),
          label: "fraud",
          inclusionProbability: 1,
          knownAt: new Date(),
        },
      });
    // A caller's flag keeps a row too (as does a label item: the same predicate).
    await db().predictionFlag.create({
      data: { predictionId: old[1]!.id, endpointId: endpoint.id, reason: "looks wrong", source: "CALLER" },
    });
    const oldPartition = partitionName(dayOf(new Date(old[0]!.predictedAt)));
    expect(await listDayPartitions(db())).toContain(oldPartition);

    const result = await applyCaptureRetention({ db: db(), clock: () => new Date(now) });
    expect(result.droppedPartitions).toEqual([oldPartition]);
    expect(result.retainedRows).toBe(2);
    expect(result.deletedRows).toBe(9);
    expect(await listDayPartitions(db())).not.toContain(oldPartition);

    const retained = await db().capturedPredictionRetained.findMany();
    expect(new Set(retained.map((r) => r.id))).toEqual(new Set([old[0]!.id, old[1]!.id]));
    expect(retained.find((r) => r.id === old[0]!.id)).toMatchObject({
      endpointId: endpoint.id,
      inputs: old[0]!.inputs,
    });
    // Every finished day was counted before anything of it was deleted or dropped.
    const counts = await db().capturedDailyCount.findMany({ where: { endpointId: endpoint.id } });
    expect(counts.map((c) => c.captured).sort((a, b) => a - b)).toEqual([5, 10, 10]);
    const left = await db().capturedPrediction.findMany({ select: { id: true } });
    expect(new Set(left.map((r) => r.id))).toEqual(
      new Set([tenDays[0]!.id, ...orphans.map((r) => r.id), ...recent.map((r) => r.id)]),
    );

    // A second run finds nothing more to do.
    expect(await applyCaptureRetention({ db: db(), clock: () => new Date(now) })).toEqual({
      droppedPartitions: [],
      retainedRows: 0,
      deletedRows: 0,
    });
  });
});
