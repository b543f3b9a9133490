import { describe, expect, it } from "vitest";
import { UsageError } from "@/cli/errors";
import { parseChoice, parseKeyValues, parseMetricArg, parsePositiveInt } from "@/cli/values";

describe("parseKeyValues", () => {
  it("splits at the first = and lets later keys win", () => {
    expect(parseKeyValues(["lr=0.1", "query=a=b", "lr=0.2", "empty="], "--param")).toEqual({
      lr: "0.2",
      query: "a=b",
      empty: "",
    });
    expect(parseKeyValues(undefined, "--param")).toEqual({});
  });

  it("rejects pairs without a key", () => {
    expect(() => parseKeyValues(["novalue"], "--tag")).toThrow('--tag expects key=value, got "novalue"');
    expect(() => parseKeyValues(["=x"], "--tag")).toThrow(UsageError);
  });
});

describe("parseMetricArg", () => {
  it("reads key=value with an optional @step", () => {
    expect(parseMetricArg("loss=0.25@10")).toEqual({ key: "loss", value: 0.25, step: 10 });
    expect(parseMetricArg("auc=1e-3")).toEqual({ key: "auc", value: 0.001, step: 0 });
    expect(parseMetricArg("val/loss=-2")).toEqual({ key: "val/loss", value: -2, step: 0 });
  });

  it("rejects values that are not finite numbers and bad steps", () => {
    expect(() => parseMetricArg("loss=abc")).toThrow(/"abc" is not a number/);
    expect(() => parseMetricArg("loss=Infinity")).toThrow(/not a number/);
    expect(() => parseMetricArg("loss=1@-1")).toThrow(/step "-1"/);
    expect(() => parseMetricArg("loss=1@1.5")).toThrow(/step "1.5"/);
    expect(() => parseMetricArg("loss=1@99999999999")).toThrow(/step/);
    expect(() => parseMetricArg("loss")).toThrow(/key=value\[@step\]/);
  });
});

describe("parseChoice and parsePositiveInt", () => {
  it("matches choices case-insensitively and names them when it fails", () => {
    expect(parseChoice("failed", ["FINISHED", "FAILED"] as const, "--status")).toBe("FAILED");
    expect(() => parseChoice("done", ["FINISHED", "FAILED"] as const, "--status")).toThrow(
      '--status must be one of FINISHED, FAILED; got "done"',
    );
  });

  it("accepts only positive whole numbers", () => {
    expect(parsePositiveInt("3", "VERSION")).toBe(3);
    for (const bad of ["0", "-1", "1.5", "x", ""]) expect(() => parsePositiveInt(bad, "VERSION")).toThrow(UsageError);
  });
});
