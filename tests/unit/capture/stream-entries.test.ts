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

  describe("a runtime batch (field `batch`)", () => {
    const group = (rows: unknown[], overrides: Record<string, unknown> = {}) => ({
      endpoint: "fraud",
      variant: "v1",
      modelName: "fraud-gbt",
      modelVersion: 3,
      captureProbability: 0.5,
      inputs: ["postcode", "amount"],
      rows,
      ...overrides,
    });
    const at = Date.parse("2026-12-02T11:59:00Z");
    const row = (id: string = randomUUID(), overrides: Partial<Record<number, unknown>> = {}) =>
      Object.assign([id, null, 0, "tx-1", 1.5, at, ["01001", 3], { probability: 0.2 }], overrides);

    it("expands each group's rows into records with the group's shared fields", () => {
      const request = randomUUID();
      const rows = [row(request), row(undefined, { 1: request, 2: 1, 3: null })];
      const { valid, invalid } = parseStreamEntries([entry({ groups: [group(rows)] }, "batch")], NOW);
      expect(invalid).toEqual([]);
      expect(valid.map((v) => v.record)).toEqual([
        {
          id: request,
          requestId: request,
          rowIndex: 0,
          endpoint: "fraud",
          variant: "v1",
          modelName: "fraud-gbt",
          modelVersion: 3,
          correlationId: "tx-1",
          inputs: { postcode: "01001", amount: 3 },
          outputs: { probability: 0.2 },
          latencyMs: 1.5,
          captureProbability: 0.5,
          source: "RUNTIME",
          predictedAt: "2026-12-02T11:59:00.000Z",
        },
        expect.objectContaining({ requestId: request, rowIndex: 1, correlationId: undefined }),
      ]);
    });

    it("dead-letters each bad row on its own and keeps the rest", () => {
      const good = row();
      const rows = [
        good,
        row("x"),
        row(undefined, { 5: "yesterday" }),
        row(undefined, { 5: 1e300 }),
        row(undefined, { 6: ["01001"] }),
        ["too", "short"],
        "not a row",
      ];
      const { valid, invalid } = parseStreamEntries([entry({ groups: [group(rows)] }, "batch")], NOW);
      expect(valid.map((v) => v.record.id)).toEqual([good[0]]);
      expect(invalid).toHaveLength(rows.length - 1);
      for (const bad of invalid) expect(bad.fields[0]).toBe("record");
    });

    it.each([
      ["no groups", {}],
      ["groups not an array", { groups: "x" }],
      ["a group without rows", { groups: [{ inputs: [] }] }],
      ["a group with a bad capture probability", { groups: [group([row()], { captureProbability: 2 })] }],
    ])("dead-letters %s", (_, value) => {
      const { valid, invalid } = parseStreamEntries([entry(value, "batch")], NOW);
      expect(valid).toEqual([]);
      expect(invalid.length).toBeGreaterThan(0);
    });
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
