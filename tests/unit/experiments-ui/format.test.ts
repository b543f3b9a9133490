import { describe, expect, it } from "vitest";
import { formatMetric, shortHash } from "@/components/experiments/shared/format";
import { formatBytes, formatDuration, formatRelative } from "@/lib/format";

const start = new Date("2025-01-01T10:00:00Z");
const after = (ms: number) => new Date(start.getTime() + ms);

describe("formatDuration", () => {
  it("picks the two largest useful units", () => {
    expect(formatDuration(start, after(850))).toBe("850ms");
    expect(formatDuration(start, after(45_000))).toBe("45s");
    expect(formatDuration(start, after(3 * 60_000 + 5_000))).toBe("3m 05s");
    expect(formatDuration(start, after(2 * 3_600_000 + 5 * 60_000))).toBe("2h 05m");
    expect(formatDuration(start, after(50 * 3_600_000))).toBe("2d 2h");
  });

  it("measures a running run up to now and never goes negative", () => {
    expect(formatDuration(start, null, after(90_000))).toBe("1m 30s");
    expect(formatDuration(start, after(-5_000))).toBe("0ms");
  });
});

describe("formatMetric", () => {
  it("keeps four significant digits", () => {
    expect(formatMetric(0.912345)).toBe("0.9123");
    expect(formatMetric(123.456)).toBe("123.5");
    expect(formatMetric(42)).toBe("42");
    expect(formatMetric(12345)).toBe("12,345");
  });

  it("uses exponent form for extreme magnitudes and a dash for missing values", () => {
    expect(formatMetric(0.0000123)).toBe("1.230e-5");
    expect(formatMetric(12_345_678)).toBe("1.235e+7");
    expect(formatMetric(undefined)).toBe("—");
    expect(formatMetric(null)).toBe("—");
    expect(formatMetric(0)).toBe("0");
    expect(formatMetric(Number.NaN)).toBe("NaN");
  });
});

describe("formatBytes", () => {
  it("uses binary units and accepts bigint", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(BigInt(300) * BigInt(1024 * 1024))).toBe("300 MB");
    expect(formatBytes(0)).toBe("0 B");
  });
});

describe("other formats", () => {
  it("shortens hashes", () => {
    expect(shortHash("abcdef0123456789")).toBe("abcdef012345");
  });

  it("describes times relative to now", () => {
    expect(formatRelative(after(-3 * 3_600_000), start)).toBe("3 hours ago");
    expect(formatRelative(after(-10_000), start)).toBe("just now");
    expect(formatRelative(after(-48 * 3_600_000), start)).toBe("2 days ago");
  });
});
