import { DescribeEndpointCommand, UpdateEndpointWeightsAndCapacitiesCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { endpointNotFound, liveEndpoint, mockedTarget, writeCommands } from "@/tests/unit/sagemaker/helpers";

const twoVariants = (weights: [number, number], status: "InService" | "Updating" = "InService") =>
  liveEndpoint({
    EndpointStatus: status,
    ProductionVariants: [
      { VariantName: "fraud-xgb-v1", CurrentWeight: weights[0], CurrentInstanceCount: 2 },
      { VariantName: "fraud-xgb-v2", CurrentWeight: weights[1], CurrentInstanceCount: 2 },
    ],
  });

function onTwoVariants(status: "InService" | "Updating" = "InService") {
  const env = mockedTarget();
  env.sagemaker.on(DescribeEndpointCommand).resolves(twoVariants([90, 10], status));
  return env;
}

describe("setWeights", () => {
  it("sends UpdateEndpointWeightsAndCapacities with a DesiredWeight per variant, and returns once SageMaker serves them", async () => {
    const { sagemaker, target } = onTwoVariants();
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(twoVariants([90, 10]))
      .resolvesOnce(twoVariants([90, 10], "Updating"))
      .resolves(twoVariants([75, 25]));

    const state = await target.setWeights("fraud-detector", { "fraud-xgb-v1": 75, "fraud-xgb-v2": 25 });

    expect(writeCommands(sagemaker)).toEqual(["UpdateEndpointWeightsAndCapacities"]);
    expect(sagemaker.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)[0]?.args[0].input).toEqual({
      EndpointName: "fraud-detector",
      DesiredWeightsAndCapacities: [
        { VariantName: "fraud-xgb-v1", DesiredWeight: 75 },
        { VariantName: "fraud-xgb-v2", DesiredWeight: 25 },
      ],
    });
    expect(state).toMatchObject({ status: "healthy", variants: [{ weight: 75 }, { weight: 25 }] });
    expect(state.failureReason).toBeUndefined();
    expect(sagemaker.commandCalls(DescribeEndpointCommand)).toHaveLength(3);
  });

  it("reports a failureReason when SageMaker settles without the new weights", async () => {
    const { sagemaker, target } = onTwoVariants();
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(twoVariants([90, 10]))
      .resolves({ ...twoVariants([90, 10]), FailureReason: "Autoscaling could not scale the variant" });

    const state = await target.setWeights("fraud-detector", { "fraud-xgb-v1": 50, "fraud-xgb-v2": 50 });

    expect(state.failureReason).toBe("SageMaker did not apply the weights: Autoscaling could not scale the variant");
  });

  it("skips the call when the endpoint already has those weights", async () => {
    const { sagemaker, target } = onTwoVariants();
    await expect(target.setWeights("fraud-detector", { "fraud-xgb-v2": 10 })).resolves.toMatchObject({
      status: "healthy",
    });
    expect(writeCommands(sagemaker)).toEqual([]);
  });

  it("rejects a variant the endpoint does not have, naming the ones it has", async () => {
    const { sagemaker, target } = onTwoVariants();
    await expect(target.setWeights("fraud-detector", { "fraud-xgb-v3": 50 })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Endpoint fraud-detector has no variant fraud-xgb-v3 (it has fraud-xgb-v1, fraud-xgb-v2)",
    });
    expect(writeCommands(sagemaker)).toEqual([]);
  });

  it("rejects weights outside 0–100 before calling SageMaker", async () => {
    const { sagemaker, target } = onTwoVariants();
    await expect(target.setWeights("fraud-detector", { "fraud-xgb-v1": -5 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(sagemaker.calls()).toHaveLength(0);
  });

  it("allows a variant at 0 while another takes the traffic, and refuses weights that leave none taking any", async () => {
    const { sagemaker, target } = onTwoVariants();
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(twoVariants([90, 10]))
      .resolves(twoVariants([100, 0]));
    await expect(target.setWeights("fraud-detector", { "fraud-xgb-v2": 0 })).resolves.toMatchObject({
      variants: [{ weight: 100 }, { weight: 0 }],
    });
    expect(writeCommands(sagemaker)).toEqual(["UpdateEndpointWeightsAndCapacities"]);

    sagemaker.on(DescribeEndpointCommand).resolves(twoVariants([100, 0]));
    await expect(target.setWeights("fraud-detector", { "fraud-xgb-v1": 0 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("no variant taking traffic"),
    });
    expect(writeCommands(sagemaker)).toEqual(["UpdateEndpointWeightsAndCapacities"]);
  });

  it("waits out an update in progress before changing the weights (SageMaker would refuse them meanwhile)", async () => {
    const { sagemaker, target } = onTwoVariants();
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(twoVariants([90, 10], "Updating"))
      .resolvesOnce(twoVariants([90, 10]))
      .resolves(twoVariants([50, 50]));

    await target.setWeights("fraud-detector", { "fraud-xgb-v1": 50, "fraud-xgb-v2": 50 });

    const [update] = sagemaker.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand);
    const settledDescribe = sagemaker.commandCalls(DescribeEndpointCommand)[1];
    expect(settledDescribe?.calledBefore(update ?? settledDescribe)).toBe(true);
  });

  it("answers NOT_FOUND for an absent endpoint", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).rejects(endpointNotFound());
    await expect(env.target.setWeights("fraud-detector", { v1: 100 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
