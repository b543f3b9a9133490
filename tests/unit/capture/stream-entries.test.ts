import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseStreamEntries } from "@/server/services/capture/stream-entries";

const NOW = Date.parse("2026-12-02T12:00:00Z");

function record(overrides: Record<string, unknown> = {}) {
  const id = randomUUID();
  return {
    id,
    requestId: id,
    rowIndex: 0,
    endpoint: "fraud",
    variant: "v1",
    inputs: { postcode: "01001", amount: 3 },
    outputs: { probability: 0.2 },
    latencyMs: 1,
    captureProbability: 1,
    predictedAt: "2026-12-02T11:59:00Z",
    ...overrides,
  };
}

const entry = (value: unknown, field = "record"): [string, string[]] => [
  `${Math.random()}-0`,
  [field, typeof value === "string" ? value : JSON.stringify(value)],
];

describe("parseStreamEntries", () => {
  it("accepts contract records (source defaults to RUNTIME; SAGEMAKER is kept) and keeps string features strings", () => {
    const { valid, invalid } = parseStreamEntries([entry(record()), entry(record({ source: "SAGEMAKER" }))], NOW);
    expect(invalid).toEqual([]);
    expect(valid.map((v) => v.record.source)).toEqual(["RUNTIME", "SAGEMAKER"]);
    expect(valid[0]!.record.inputs.postcode).toBe("01001");
  });

  it("reads a runtime batch entry, dead-lettering only its bad records, each on its own", () => {
    const good = [record(), record()];
    const bad = record({ id: "x" });
    const { valid, invalid } = parseStreamEntries([entry([good[0], bad, good[1]], "records")], NOW);
    expect(valid.map((v) => v.record.id)).toEqual(good.map((g) => g.id));
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.fields).toEqual(["record", JSON.stringify(bad)]);
  });

  it("dead-letters a batch entry that is not an array, whole", () => {
    const { valid, invalid } = parseStreamEntries([entry(record(), "records")], NOW);
    expect(valid).toEqual([]);
    expect(invalid[0]!.reason).toContain("array");
  });

  it.each([
    ["not JSON", "{nope", "record"],
    ["no record field", record(), "payload"],
    ["a bad uuid", record({ id: "x" }), "record"],
    ["capture probability 0", record({ captureProbability: 0 }), "record"],
    ["a NUL character", record({ inputs: { text: "a\u0000b" } }), "record"],
    ["an unpaired surrogate", record({ correlationId: "x\ud800" }), "record"],
    ["an int4 overflow", record({ modelVersion: 2 ** 31 }), "record"],
    ["a time ten years back", record({ predictedAt: "2010-01-01T00:00:00Z" }), "record"],
    ["a time two days ahead", record({ predictedAt: "2026-12-04T12:00:00Z" }), "record"],
  ])("dead-letters %s with a reason", (_, value, field) => {
    const { valid, invalid } = parseStreamEntries([entry(value, field)], NOW);
    expect(valid).toEqual([]);
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.reason.length).toBeGreaterThan(0);
  });
});
