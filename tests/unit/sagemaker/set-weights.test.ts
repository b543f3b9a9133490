import { DescribeEndpointCommand, UpdateEndpointWeightsAndCapacitiesCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { endpointNotFound, liveEndpoint, mockedTarget, writeCommands } from "@/tests/unit/sagemaker/helpers";

function onTwoVariants(status: "InService" | "Updating" = "InService") {
  const env = mockedTarget();
  env.sagemaker.on(DescribeEndpointCommand).resolves(
    liveEndpoint({
      EndpointStatus: status,
      ProductionVariants: [
        { VariantName: "fraud-xgb-v1", CurrentWeight: 90, CurrentInstanceCount: 2 },
        { VariantName: "fraud-xgb-v2", CurrentWeight: 10, CurrentInstanceCount: 2 },
      ],
    }),
  );
  return env;
}

describe("setWeights", () => {
  it("sends UpdateEndpointWeightsAndCapacities with a DesiredWeight per variant", async () => {
    const { sagemaker, target } = onTwoVariants();

    await target.setWeights("fraud-detector", { "fraud-xgb-v1": 75, "fraud-xgb-v2": 25 });

    expect(writeCommands(sagemaker)).toEqual(["UpdateEndpointWeightsAndCapacities"]);
    expect(sagemaker.commandCalls(UpdateEndpointWeightsAndCapacitiesCommand)[0]?.args[0].input).toEqual({
      EndpointName: "fraud-detector",
      DesiredWeightsAndCapacities: [
        { VariantName: "fraud-xgb-v1", DesiredWeight: 75 },
        { VariantName: "fraud-xgb-v2", DesiredWeight: 25 },
      ],
    });
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

  it("refuses while an update is in progress (SageMaker would reject it)", async () => {
    const { sagemaker, target } = onTwoVariants("Updating");
    await expect(target.setWeights("fraud-detector", { "fraud-xgb-v1": 50, "fraud-xgb-v2": 50 })).rejects.toMatchObject(
      { code: "CONFLICT" },
    );
    expect(writeCommands(sagemaker)).toEqual([]);
  });

  it("answers NOT_FOUND for an absent endpoint", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).rejects(endpointNotFound());
    await expect(env.target.setWeights("fraud-detector", { v1: 100 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
