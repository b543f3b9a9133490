import { describe, expect, it } from "vitest";
import { type GoldenRowContent, goldenSetHash } from "@/server/services/labels/golden-sets-hash";

const row = (amount: number | string, expected: string, line: number): GoldenRowContent => ({
  features: { amount, country: "01001" },
  expectedLabel: expected,
  expectedValue: null,
  provenance: { source: "csv", line },
});
const names = ["amount", "country"];
const rows = [row(12.5, "1", 2), row(3, "0", 3)];

describe("golden set content hash", () => {
  it("is the same for the same rows in the same order, whatever the key order of the objects", () => {
    const reordered = rows.map((r) => ({
      provenance: { line: r.provenance.line, source: r.provenance.source },
      expectedValue: r.expectedValue,
      expectedLabel: r.expectedLabel,
      features: { country: r.features.country!, amount: r.features.amount! },
    }));
    expect(goldenSetHash(names, reordered)).toBe(goldenSetHash(names, rows));
    expect(goldenSetHash(names, rows)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes with any change: a value, its type, a label, the order, a row more or less, provenance, the columns", () => {
    const base = goldenSetHash(names, rows);
    const variants = [
      [row(12.6, "1", 2), rows[1]!],
      [row("12.5", "1", 2), rows[1]!],
      [row(12.5, "0", 2), rows[1]!],
      [rows[1]!, rows[0]!],
      [rows[0]!],
      [...rows, rows[1]!],
      [row(12.5, "1", 4), rows[1]!],
      [{ ...rows[0]!, expectedValue: 1 }, rows[1]!],
    ];
    const hashes = variants.map((v) => goldenSetHash(names, v));
    for (const h of hashes) expect(h).not.toBe(base);
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(goldenSetHash(["country", "amount"], rows)).not.toBe(base);
  });
});
