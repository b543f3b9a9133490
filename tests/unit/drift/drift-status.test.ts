import { driftThresholdsInput } from "@/contracts/drift";
import { describe, expect, it } from "vitest";
import { DEFAULT_DRIFT_THRESHOLDS, featureStatus, worstFeature, worstStatus } from "@/server/services/drift/status";

const thresholds = DEFAULT_DRIFT_THRESHOLDS;

/** A ceiling below every threshold used here, so these cases test the thresholds alone. */
const QUIET = 0.01;

describe("featureStatus", () => {
  it("classifies by the warn and alert thresholds, inclusive", () => {
    expect(featureStatus(0.0999, 1000, thresholds, QUIET)).toBe("OK");
    expect(featureStatus(0.1, 1000, thresholds, QUIET)).toBe("WARN");
    expect(featureStatus(0.2499, 1000, thresholds, QUIET)).toBe("WARN");
    expect(featureStatus(0.25, 1000, thresholds, QUIET)).toBe("ALERT");
  });

  it("gives no verdict below the minimum sample, however large the PSI", () => {
    expect(featureStatus(3, 499, thresholds, QUIET)).toBe("INSUFFICIENT_DATA");
    expect(featureStatus(3, 500, thresholds, QUIET)).toBe("ALERT");
    expect(featureStatus(Number.NaN, 5000, thresholds, QUIET)).toBe("INSUFFICIENT_DATA");
  });

  it("uses the model's own thresholds", () => {
    expect(featureStatus(0.15, 50, { warnPsi: 0.05, alertPsi: 0.12, minSamples: 10 }, QUIET)).toBe("ALERT");
  });

  it("calls a PSI at or under the noise ceiling OK however far above the thresholds it is", () => {
    expect(featureStatus(0.3, 1000, thresholds, 0.31)).toBe("OK");
    expect(featureStatus(0.3, 1000, thresholds, 0.3)).toBe("OK");
    expect(featureStatus(0.3, 1000, thresholds, 0.2999)).toBe("ALERT");
    expect(featureStatus(0.15, 1000, thresholds, 0.2)).toBe("OK");
    expect(featureStatus(0.15, 1000, thresholds, 0.14)).toBe("WARN");
  });
});

describe("worstStatus and worstFeature", () => {
  it("takes the most severe status; INSUFFICIENT_DATA only when nothing was judged", () => {
    expect(worstStatus(["OK", "WARN", "OK"])).toBe("WARN");
    expect(worstStatus(["INSUFFICIENT_DATA", "OK"])).toBe("OK");
    expect(worstStatus(["WARN", "ALERT", "INSUFFICIENT_DATA"])).toBe("ALERT");
    expect(worstStatus(["INSUFFICIENT_DATA"])).toBe("INSUFFICIENT_DATA");
    expect(worstStatus([])).toBe("INSUFFICIENT_DATA");
  });

  it("picks the highest PSI among judged features, else among all", () => {
    const features = [
      { name: "a", psi: 0.05, status: "OK" as const },
      { name: "b", psi: 0.3, status: "ALERT" as const },
      { name: "c", psi: 0.9, status: "INSUFFICIENT_DATA" as const },
    ];
    expect(worstFeature(features)?.name).toBe("b");
    expect(worstFeature(features.map((f) => ({ ...f, status: "INSUFFICIENT_DATA" as const })))?.name).toBe("c");
    expect(worstFeature([])).toBeUndefined();
  });
});

describe("threshold edits", () => {
  const valid = { modelName: "fraud", warnPsi: 0.1, alertPsi: 0.25, minSamples: 500 };
  it("accepts 0 < warn < alert and a whole positive minimum sample", () => {
    expect(driftThresholdsInput.safeParse(valid).success).toBe(true);
  });
  it.each([
    [{ warnPsi: 0 }, "above 0"],
    [{ warnPsi: -0.1 }, "above 0"],
    [{ alertPsi: 0.1 }, "alert threshold must be above the warn"],
    [{ alertPsi: 0.05 }, "alert threshold must be above the warn"],
    [{ minSamples: 0 }, "At least 1"],
    [{ minSamples: 2.5 }, "Whole rows"],
  ])("refuses %o", (patch, message) => {
    const result = driftThresholdsInput.safeParse({ ...valid, ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });
});
