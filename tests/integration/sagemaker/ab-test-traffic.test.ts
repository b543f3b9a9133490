import {
  CreateEndpointConfigCommand,
  SageMakerClient,
  UpdateEndpointWeightsAndCapacitiesCommand,
} from "@aws-sdk/client-sagemaker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EndpointSpec, VariantSpec } from "@/server/integrations/targets/deployment-target";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import { spec, testConfig, variant } from "@/tests/unit/sagemaker/helpers";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";

// An A/B test drives the target as the lifecycle does: apply with the challenger at 0, wait, setWeights; shadow mode
// applies the challenger as a shadow; a harm stop sets the challenger to 0; the end goes back to the champion alone.
const fake = new FakeSageMaker([], { transitionMs: 20, msPerSecond: 0.2 });
const fakeS3 = new FakeS3();
let target: SageMakerTarget;
let endpointUrl: string;
const WAIT = { timeoutMs: 10_000, pollMs: 2 };
const ENDPOINT = "fraud-detector";

const champion = (weight = 100) => variant(1, weight, { variantName: "primary" });
const challenger = (weight: number, overrides: Partial<VariantSpec> = {}) => variant(2, weight, overrides);
const abSpec = (...variants: VariantSpec[]): EndpointSpec => ({ ...spec(...variants), routing: { salt: "ab-42" } });

async function writesDuring(action: () => Promise<unknown>) {
  const before = fake.requests.length;
  await action();
  return fake.requests
    .slice(before)
    .map((request) => request.operation)
    .filter((operation) => !/^(Describe|List)/.test(operation));
}
const lastBody = (operation: string) => fake.requests.findLast((request) => request.operation === operation)?.body;
/** Who answered `n` invocations, and how many were mirrored to a shadow. */
function invokeMany(n: number) {
  const answered: Record<string, number> = {};
  let mirrored = 0;
  for (let i = 0; i < n; i++) {
    const answer = fake.invoke(ENDPOINT);
    if (!answer) continue;
    answered[answer.variantName] = (answered[answer.variantName] ?? 0) + 1;
    if (answer.mirroredTo) mirrored++;
  }
  return { answered, mirrored };
}

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = "AKIAMODELPORTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "modelport-test-secret";
  endpointUrl = await fake.start();
  const s3EndpointUrl = await fakeS3.start();
  target = new SageMakerTarget(testConfig({ endpointUrl, s3EndpointUrl, pollMs: 2 }));
});

afterAll(async () => {
  await fake.stop();
  await fakeS3.stop();
});

describe("SageMaker target: an A/B test's traffic, through the deployment-target interface", () => {
  it("starts with the challenger as a production variant at weight 0: it runs, and answers nothing", async () => {
    const writes = await writesDuring(() => target.apply(abSpec(champion(), challenger(0))));
    expect(writes).toEqual(["CreateModel", "CreateModel", "CreateEndpointConfig", "CreateEndpoint"]);
    expect(lastBody("CreateEndpointConfig")?.ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: "fraud-xgb-v2", InitialVariantWeight: 0 }),
      expect.objectContaining({ VariantName: "primary", InitialVariantWeight: 100 }),
    ]);
    expect(lastBody("CreateEndpointConfig")).not.toHaveProperty("ShadowProductionVariants");

    await expect(target.waitUntilSettled(ENDPOINT, WAIT)).resolves.toMatchObject({
      status: "healthy",
      variants: [
        { variantName: "fraud-xgb-v2", weight: 0, ready: true },
        { variantName: "primary", weight: 100, ready: true },
      ],
    });
    expect(invokeMany(200).answered).toEqual({ primary: 200 });
  });

  it("splits traffic with UpdateEndpointWeightsAndCapacities, without a new fleet", async () => {
    const writes = await writesDuring(() => target.setWeights(ENDPOINT, { primary: 50, "fraud-xgb-v2": 50 }));
    expect(writes).toEqual(["UpdateEndpointWeightsAndCapacities"]);
    expect(fake.fleets(ENDPOINT)).toBe(1);
    await expect(target.describe(ENDPOINT)).resolves.toMatchObject({
      status: "healthy",
      variants: [{ weight: 50 }, { weight: 50 }],
    });
    const { answered } = invokeMany(400);
    expect(answered.primary).toBeGreaterThan(100);
    expect(answered["fraud-xgb-v2"]).toBeGreaterThan(100);
  });

  it("a harm stop sends the challenger to 0 and the champion takes its share", async () => {
    await target.setWeights(ENDPOINT, { "fraud-xgb-v2": 0, primary: 100 });
    expect(lastBody("UpdateEndpointWeightsAndCapacities")?.DesiredWeightsAndCapacities).toEqual([
      { VariantName: "fraud-xgb-v2", DesiredWeight: 0 },
      { VariantName: "primary", DesiredWeight: 100 },
    ]);
    await expect(target.describe(ENDPOINT)).resolves.toMatchObject({
      variants: [
        { variantName: "fraud-xgb-v2", weight: 0, ready: true },
        { variantName: "primary", weight: 100 },
      ],
    });
    expect(invokeMany(200).answered).toEqual({ primary: 200 });
  });

  it("applying the started spec again changes nothing; the routing salt changes no config either", async () => {
    expect(await writesDuring(() => target.apply(abSpec(champion(), challenger(0))))).toEqual([]);
    expect(await writesDuring(() => target.apply(spec(champion(), challenger(0))))).toEqual([]);
  });

  it("refuses weights that leave no variant taking traffic, before SageMaker is asked", async () => {
    const writes = await writesDuring(() =>
      expect(target.setWeights(ENDPOINT, { primary: 0 })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        retryable: false,
        message: expect.stringContaining("no variant taking traffic"),
      }),
    );
    expect(writes).toEqual([]);
  });

  it("ends with the champion at 100, then the champion alone: one all-at-once blue/green update", async () => {
    await target.setWeights(ENDPOINT, { primary: 100, "fraud-xgb-v2": 0 });
    const writes = await writesDuring(() => target.apply(spec(champion())));
    // CreateModel of a model that exists is answered "already exists" and checked: no second model.
    expect(writes).toEqual(["CreateModel", "CreateEndpointConfig", "AddTags", "UpdateEndpoint"]);
    expect(fake.resourceNames().models).toHaveLength(2);
    expect(lastBody("UpdateEndpoint")?.DeploymentConfig).toMatchObject({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE" } },
    });
    await expect(target.waitUntilSettled(ENDPOINT, WAIT)).resolves.toEqual({
      endpointName: ENDPOINT,
      status: "healthy",
      variants: [{ variantName: "primary", weight: 100, ready: true, replicas: 2 }],
    });
    expect(await writesDuring(() => target.apply(spec(champion())))).toEqual([]);
  });

  it("shadow mode: the challenger becomes SageMaker's shadow variant, mirrored every request, answering none", async () => {
    const shadowSpec = abSpec(champion(), challenger(0, { shadow: true }));
    const writes = await writesDuring(() => target.apply(shadowSpec));
    expect(writes).toEqual(["CreateModel", "CreateModel", "CreateEndpointConfig", "AddTags", "UpdateEndpoint"]);
    const config = lastBody("CreateEndpointConfig");
    expect(config?.ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: "primary", InitialVariantWeight: 100 }),
    ]);
    expect(config?.ShadowProductionVariants).toEqual([
      expect.objectContaining({ VariantName: "fraud-xgb-v2", InitialVariantWeight: 100 }),
    ]);

    await expect(target.waitUntilSettled(ENDPOINT, WAIT)).resolves.toEqual({
      endpointName: ENDPOINT,
      status: "healthy",
      variants: [
        { variantName: "primary", weight: 100, ready: true, replicas: 2 },
        { variantName: "fraud-xgb-v2", weight: 0, ready: true, replicas: 2, shadow: true },
      ],
    });
    expect(invokeMany(200)).toEqual({ answered: { primary: 200 }, mirrored: 200 });
    expect(await target.readInstances(ENDPOINT)).toEqual([
      { variantName: "primary", instanceType: "ml.m5.large", instances: 2 },
      { variantName: "fraud-xgb-v2", instanceType: "ml.m5.large", instances: 2 },
    ]);
    expect(await writesDuring(() => target.apply(shadowSpec))).toEqual([]);
  });

  it("refuses to weight a shadow: it takes live traffic only once an apply makes it a production variant", async () => {
    const writes = await writesDuring(() =>
      expect(target.setWeights(ENDPOINT, { primary: 50, "fraud-xgb-v2": 50 })).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringContaining("is a shadow"),
      }),
    );
    expect(writes).toEqual([]);
  });

  it("refuses a different spec while SageMaker is still updating the endpoint", async () => {
    await target.apply(spec(champion()));
    await expect(target.apply(abSpec(champion(), challenger(0)))).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("wait until it settles"),
    });
    await expect(target.waitUntilSettled(ENDPOINT, WAIT)).resolves.toMatchObject({
      status: "healthy",
      variants: [{ variantName: "primary" }],
    });
  });

  it.each([
    [
      "two shadows",
      [champion(), challenger(0, { shadow: true }), variant(3, 0, { shadow: true })],
      /at most one shadow/,
    ],
    [
      "a shadow beside two production variants",
      [champion(60), variant(3, 40), challenger(0, { shadow: true })],
      /exactly one production variant/,
    ],
    ["a shadow with live weight", [champion(90), challenger(10, { shadow: true })], /weight must be 0/],
    ["only a shadow", [challenger(0, { shadow: true })], /at least one live variant/],
  ])("refuses %s before anything is sent", async (_case, variants, message) => {
    const writes = await writesDuring(() =>
      expect(target.apply(abSpec(...variants))).rejects.toMatchObject({ code: "BAD_REQUEST", message }),
    );
    expect(writes).toEqual([]);
  });
});

describe("the SageMaker stand-in enforces SageMaker's shadow and weight rules", () => {
  let client: SageMakerClient;
  beforeAll(() => {
    client = new SageMakerClient({ region: "eu-west-1", endpoint: endpointUrl, maxAttempts: 1 });
  });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "accepted",
      (error: Error) => `${error.name}: ${error.message}`,
    );
  const config = (name: string, production: string[], shadows: { name: string; model: string }[]) =>
    client.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: production.map((model, i) => ({
          VariantName: `live-${i}`,
          ModelName: model,
          InitialVariantWeight: 1,
        })),
        ShadowProductionVariants: shadows.map((shadow) => ({
          VariantName: shadow.name,
          ModelName: shadow.model,
          InitialVariantWeight: 1,
        })),
      }),
    );

  it("allows one shadow on a model of its own beside one production variant, and nothing more", async () => {
    await expect(refusal(config("ok", ["m1"], [{ name: "s", model: "m2" }]))).resolves.toBe("accepted");
    await expect(
      refusal(
        config(
          "two-shadows",
          ["m1"],
          [
            { name: "s1", model: "m2" },
            { name: "s2", model: "m3" },
          ],
        ),
      ),
    ).resolves.toMatch(/^ValidationException: ShadowProductionVariants must have at most 1 member/);
    await expect(refusal(config("two-live", ["m1", "m2"], [{ name: "s", model: "m3" }]))).resolves.toMatch(
      /only one production variant/,
    );
    await expect(refusal(config("same-model", ["m1"], [{ name: "s", model: "m1" }]))).resolves.toMatch(
      /must use a model other than the production variant's/,
    );
  });

  it("refuses a negative DesiredWeight and weights that add up to 0, and accepts a single variant at 0", async () => {
    await target.apply(spec(champion(), challenger(0)));
    await target.waitUntilSettled(ENDPOINT, WAIT);
    const weights = (entries: [string, number][]) =>
      refusal(
        client.send(
          new UpdateEndpointWeightsAndCapacitiesCommand({
            EndpointName: ENDPOINT,
            DesiredWeightsAndCapacities: entries.map(([VariantName, DesiredWeight]) => ({
              VariantName,
              DesiredWeight,
            })),
          }),
        ),
      );
    await expect(weights([["primary", -1]])).resolves.toMatch(/^ValidationException: DesiredWeight of primary/);
    await expect(weights([["primary", 0]])).resolves.toMatch(/sum of the variant weights must be greater than 0/);
    await expect(
      weights([
        ["primary", 0],
        ["fraud-xgb-v2", 1],
      ]),
    ).resolves.toBe("accepted");
    await expect(weights([["primary", 1]])).resolves.toMatch(
      /^ValidationException: Cannot update in-progress endpoint/,
    );
  });
});
