import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import { spec, testConfig, variant } from "../../unit/sagemaker/helpers";
import { FakeSageMaker } from "./fake-sagemaker-server";

const fake = new FakeSageMaker();
let target: SageMakerTarget;
const WAIT = { timeoutMs: 10_000, pollMs: 1 };
const primary = (version: number, weight = 100) => variant(version, weight, { variantName: "primary" });

/** The operations the target sent during `action`. */
async function operationsDuring(action: () => Promise<unknown>): Promise<string[]> {
  const before = fake.requests.length;
  await action();
  return fake.operations().slice(before);
}
const writes = (operations: string[]) => operations.filter((operation) => !/^(Describe|List)/.test(operation));

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "AKIAMODELPORTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "modelport-test-secret";
  // No injected client: the target builds the real SDK client from its configuration, pointed at the local API.
  target = new SageMakerTarget(testConfig({ endpointUrl: await fake.start() }));
});

afterAll(async () => {
  await fake.stop();
});

describe("SageMaker target: the real SDK client against a local SageMaker API, one endpoint's whole life", () => {
  it("creates the endpoint with signed AWS JSON requests and waits until it is healthy", async () => {
    await expect(target.describe("fraud-detector")).resolves.toMatchObject({ status: "absent" });

    const operations = await operationsDuring(() => target.apply(spec(primary(1))));
    expect(writes(operations)).toEqual(["CreateModel", "CreateEndpointConfig", "CreateEndpoint"]);
    expect(fake.requests.at(-1)?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAMODELPORTTEST\/\d{8}\/eu-west-1\/sagemaker\/aws4_request/);

    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toEqual({
      endpointName: "fraud-detector",
      status: "healthy",
      variants: [{ variantName: "primary", weight: 100, ready: true, replicas: 1 }],
    });
  });

  it("applying the same spec again changes nothing", async () => {
    expect(writes(await operationsDuring(() => target.apply(spec(primary(1)))))).toEqual([]);
  });

  it("rolls a new version out as a blue/green canary, retrying throttled calls, and ends healthy on the new config", async () => {
    fake.throttle("CreateModel", 2);
    const operations = await operationsDuring(() => target.apply(spec(primary(2)), { rollout: { kind: "canary", canaryPercent: 10, bakeSeconds: 60 } }));

    expect(writes(operations)).toEqual(["CreateModel", "CreateModel", "CreateModel", "CreateEndpointConfig", "AddTags", "UpdateEndpoint"]);
    const update = fake.requests.find((request) => request.operation === "UpdateEndpoint")?.body;
    expect(update?.DeploymentConfig).toMatchObject({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "CANARY", CanarySize: { Type: "CAPACITY_PERCENT", Value: 10 }, WaitIntervalInSeconds: 60 } },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: "fraud-detector-5xx" }, { AlarmName: "fraud-detector-p99" }] },
    });
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({ status: "healthy" });
  });

  it("reports an update SageMaker rolled back as failed, although the endpoint ends InService", async () => {
    fake.failNextUpdate("CloudWatch alarm fraud-detector-p99 is in ALARM");
    await target.apply(spec(primary(3)), { rollout: { kind: "linear", stepPercent: 25, stepBakeSeconds: 30 } });

    const state = await target.waitUntilSettled("fraud-detector", WAIT);

    expect(state.status).toBe("failed");
    expect(state.message).toContain("The update was rolled back: CloudWatch alarm fraud-detector-p99 is in ALARM.");
    await expect(target.describe("fraud-detector")).resolves.toMatchObject({ status: "healthy" });
  });

  it("rolling back to the serving version needs no new fleet and then waits healthy", async () => {
    expect(writes(await operationsDuring(() => target.apply(spec(primary(2)))))).toEqual(["AddTags"]);
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({ status: "healthy" });
  });

  it("adds a second variant, shifts weights, and restores the spec's weights without a new config", async () => {
    await target.apply(spec(primary(2, 80), variant(4, 20)));
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({
      status: "healthy",
      variants: [expect.objectContaining({ variantName: "fraud-xgb-v4", weight: 20 }), expect.objectContaining({ variantName: "primary", weight: 80 })],
    });

    await target.setWeights("fraud-detector", { primary: 50, "fraud-xgb-v4": 50 });
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({
      variants: [expect.objectContaining({ weight: 50 }), expect.objectContaining({ weight: 50 })],
    });

    expect(writes(await operationsDuring(() => target.apply(spec(primary(2, 80), variant(4, 20)))))).toEqual(["UpdateEndpointWeightsAndCapacities"]);
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({
      variants: [expect.objectContaining({ variantName: "fraud-xgb-v4", weight: 20 }), expect.objectContaining({ variantName: "primary", weight: 80 })],
    });
  });

  it("refuses a second update while one is in progress, with SageMaker untouched", async () => {
    await target.apply(spec(primary(5)));
    await expect(target.apply(spec(primary(6)))).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(target.waitUntilSettled("fraud-detector", WAIT)).resolves.toMatchObject({ status: "healthy" });
  });

  it("deletes the endpoint and every model and config it created; deleting again is fine", async () => {
    expect(fake.resourceNames().models.length).toBeGreaterThan(0);
    await target.delete("fraud-detector");

    expect(fake.resourceNames()).toEqual({ models: [], configs: [], endpoints: [] });
    await expect(target.describe("fraud-detector")).resolves.toMatchObject({ status: "absent" });
    await expect(target.delete("fraud-detector")).resolves.toBeUndefined();
  });
});
