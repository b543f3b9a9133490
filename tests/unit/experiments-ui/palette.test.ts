import { describe, expect, it } from "vitest";
import { buildRunColors, PALETTE_SIZE, runColorAt } from "@/components/experiments/compare/palette";

describe("run palette", () => {
  it("gives every run of a 200-run selection its own colour", () => {
    const colors = Array.from({ length: 200 }, (_, i) => runColorAt(i));
    expect(new Set(colors).size).toBe(200);
  });

  it("is deterministic: the same position always gets the same colour", () => {
    expect(runColorAt(3)).toBe(runColorAt(3));
    expect(runColorAt(PALETTE_SIZE + 7)).toBe(runColorAt(PALETTE_SIZE + 7));
  });

  it("colours runs by selection order, so a run keeps its colour in every chart", () => {
    const colors = buildRunColors(["b", "a", "c"]);
    expect(colors.get("b")).toBe(runColorAt(0));
    expect(colors.get("a")).toBe(runColorAt(1));
    expect(colors.get("c")).toBe(runColorAt(2));
  });

  it("switches to generated hues after the hand-picked palette", () => {
    expect(runColorAt(PALETTE_SIZE - 1)).toMatch(/^#[0-9a-f]{6}$/);
    expect(runColorAt(PALETTE_SIZE)).toMatch(/^hsl\(\d+ 70% \d+%\)$/);
  });
});
