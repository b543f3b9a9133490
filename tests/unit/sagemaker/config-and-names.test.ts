import { describe, expect, it } from "vitest";
import { parseSageMakerConfig, sageMakerConfigFromEnv } from "@/server/integrations/sagemaker/config";
import {
  SAGEMAKER_NAME_PATTERN,
  canonicalJson,
  endpointConfigResourceName,
  modelResourceName,
  resourcePrefix,
} from "@/server/integrations/sagemaker/names";
import { ROLE, desiredFor, mockedTarget, spec, testConfig, variant } from "@/tests/unit/sagemaker/helpers";

describe("configuration", () => {
  it("reads MODELPORT_SAGEMAKER_* variables and fills in defaults", () => {
    const config = sageMakerConfigFromEnv({
      AWS_REGION: "us-east-1",
      MODELPORT_SAGEMAKER_EXECUTION_ROLE_ARN: ROLE,
      MODELPORT_SAGEMAKER_IMAGE_ONNX: "123456789012.dkr.ecr.us-east-1.amazonaws.com/onnx:1",
      MODELPORT_SAGEMAKER_S3_PREFIX: "s3://models/modelport/",
      MODELPORT_SAGEMAKER_INSTANCE_TYPE: "ml.c5.large",
      MODELPORT_SAGEMAKER_ROLLBACK_ALARMS: "errors, latency ,",
      MODELPORT_SAGEMAKER_MAX_EXECUTION_SECONDS: "1800",
      MODELPORT_SAGEMAKER_ENDPOINT_URL: "http://127.0.0.1:4566",
    });
    expect(config).toMatchObject({
      region: "us-east-1",
      modelDataS3Prefix: "s3://models/modelport",
      defaultInstanceType: "ml.c5.large",
      defaultInstanceCount: 1,
      rollbackAlarmNames: ["errors", "latency"],
      maxExecutionSeconds: 1800,
      terminationWaitSeconds: 0,
      endpointUrl: "http://127.0.0.1:4566",
      retry: { maxAttempts: 5 },
    });
  });

  it("names every invalid setting in one clear error", () => {
    const invalid = {
      ...testConfig(),
      region: "Ireland",
      executionRoleArn: "admin",
      images: {},
      maxExecutionSeconds: 60,
      rollbackAlarmNames: Array(11).fill("a"),
    };
    const message = (() => {
      try {
        parseSageMakerConfig(invalid);
      } catch (error) {
        return String(error);
      }
      return "parsed";
    })();
    expect(message).toContain("Invalid SageMaker configuration");
    for (const part of [
      "at region",
      "at executionRoleArn",
      "at least one model format",
      "at maxExecutionSeconds",
      "at most 10 rollback alarms",
    ]) {
      expect(message).toContain(part);
    }
  });

  it("derives the settle timeout from SageMaker's own execution timeout plus time for a rollback, unless set", () => {
    expect(parseSageMakerConfig(testConfig({ maxExecutionSeconds: 7200 }))).toMatchObject({
      settleTimeoutSeconds: 8100,
      pollMs: 1,
      packaging: { ONNX: "file", CONTAINER: "tar.gz", VLLM: "file" },
    });
    expect(parseSageMakerConfig(testConfig({ maxExecutionSeconds: 28_800 })).settleTimeoutSeconds).toBe(29_700);
    const config = sageMakerConfigFromEnv({
      AWS_REGION: "us-east-1",
      MODELPORT_SAGEMAKER_EXECUTION_ROLE_ARN: ROLE,
      MODELPORT_SAGEMAKER_IMAGE_ONNX: "123456789012.dkr.ecr.us-east-1.amazonaws.com/onnx:1",
      MODELPORT_SAGEMAKER_S3_PREFIX: "s3://models/modelport",
      MODELPORT_SAGEMAKER_INSTANCE_TYPE: "ml.c5.large",
      MODELPORT_SAGEMAKER_SETTLE_TIMEOUT_SECONDS: "5400",
      MODELPORT_SAGEMAKER_PACKAGING_ONNX: "tar.gz",
    });
    expect(config).toMatchObject({ settleTimeoutSeconds: 5400, packaging: { ONNX: "tar.gz" } });
  });

  it.each([
    ["a settle timeout that ends before SageMaker's", { settleTimeoutSeconds: 3600 }, "at settleTimeoutSeconds"],
    ["an execution timeout above SageMaker's 8 hours", { maxExecutionSeconds: 28_801 }, "at maxExecutionSeconds"],
  ])("refuses %s", (_case, overrides, message) => {
    expect(() => parseSageMakerConfig(testConfig(overrides))).toThrow(message);
  });

  it("rejects a missing environment outright", () => {
    expect(() => sageMakerConfigFromEnv({})).toThrow("Invalid SageMaker configuration");
  });
});

describe("the target's traffic shifting", () => {
  it("shifts natively, keeps every version in one slot, and waits as long as the configuration says", () => {
    const { target } = mockedTarget();
    expect(target.trafficShifting).toBe("native");
    expect([target.variantName("fraud-xgb", 1), target.variantName("eta", 42)]).toEqual(["primary", "primary"]);
    expect(target.settleTimeoutMs).toBe(8_100_000);
  });
});

describe("resource names", () => {
  it("are deterministic: the same spec gives the same model and config names, a changed weight only a new config", () => {
    const first = desiredFor(spec(variant(1, 70), variant(2, 30)));
    const again = desiredFor(spec(variant(2, 30), variant(1, 70)));
    const reweighted = desiredFor(spec(variant(1, 50), variant(2, 50)));
    expect(again.configName).toBe(first.configName);
    expect(again.models.map((model) => model.ModelName).sort()).toEqual(
      first.models.map((model) => model.ModelName).sort(),
    );
    expect(reweighted.models.map((model) => model.ModelName)).toEqual(first.models.map((model) => model.ModelName));
    expect(reweighted.configName).not.toBe(first.configName);
  });

  it("change with the artifact and the serving image", () => {
    const base = desiredFor(spec(variant(1, 100))).models[0]?.ModelName;
    expect(desiredFor(spec(variant(1, 100, { artifactSha256: "f".repeat(64) }))).models[0]?.ModelName).not.toBe(base);
    expect(
      desiredFor(spec(variant(1, 100)), { images: { ONNX: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/onnx:2" } })
        .models[0]?.ModelName,
    ).not.toBe(base);
  });

  it("stay valid SageMaker names for the longest endpoint and variant names, and distinct for names sharing a long prefix", () => {
    const long = "a".repeat(40) + "-endpoint-" + "b".repeat(13);
    const similar = "a".repeat(40) + "-endpoint-" + "c".repeat(13);
    const hash = "0123456789abcdef".repeat(4);
    for (const name of [
      modelResourceName(long, "v".repeat(63), hash),
      endpointConfigResourceName(long, hash),
      modelResourceName("e", "v", hash),
    ]) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(SAGEMAKER_NAME_PATTERN);
    }
    expect(resourcePrefix(long)).not.toBe(resourcePrefix(similar));
    expect(resourcePrefix("fraud-detector")).toBe("fraud-detector");
  });

  it("hash content independent of key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } })).toBe(
      '{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });
});
