import { DescribeEndpointCommand, DescribeEndpointConfigCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { endpointNotFound, liveEndpoint, mockedTarget, sentCommands } from "@/tests/unit/sagemaker/helpers";

describe("SageMaker instances read for cost", () => {
  it("counts CurrentInstanceCount on the endpoint config's instance type, not the sizing asked for", async () => {
    const { sagemaker, target } = mockedTarget({ defaultInstanceCount: 1 });
    sagemaker.on(DescribeEndpointCommand).resolves(
      liveEndpoint({
        ProductionVariants: [
          { VariantName: "primary", CurrentWeight: 1, CurrentInstanceCount: 3, DesiredInstanceCount: 5 },
        ],
      }),
    );
    sagemaker
      .on(DescribeEndpointConfigCommand, { EndpointConfigName: "fraud-detector-cfg-000000000000" })
      .resolves({ ProductionVariants: [{ VariantName: "primary", InstanceType: "ml.c5.xlarge", ModelName: "m" }] });
    expect(await target.readInstances("fraud-detector")).toEqual([
      { variantName: "primary", instanceType: "ml.c5.xlarge", instances: 3 },
    ]);
    expect(sentCommands(sagemaker)).toEqual(["DescribeEndpoint", "DescribeEndpointConfig"]);
  });

  it("adds the new fleet a blue/green update runs beside the old one", async () => {
    const { sagemaker, target } = mockedTarget();
    sagemaker.on(DescribeEndpointCommand).resolves(
      liveEndpoint({
        EndpointStatus: "Updating",
        ProductionVariants: [{ VariantName: "primary", CurrentWeight: 1, CurrentInstanceCount: 2 }],
        PendingDeploymentSummary: {
          EndpointConfigName: "fraud-detector-cfg-111111111111",
          ProductionVariants: [
            { VariantName: "primary", InstanceType: "ml.g5.xlarge", CurrentInstanceCount: 1, DesiredInstanceCount: 2 },
          ],
        },
      }),
    );
    sagemaker
      .on(DescribeEndpointConfigCommand)
      .resolves({ ProductionVariants: [{ VariantName: "primary", InstanceType: "ml.m5.large", ModelName: "m" }] });
    expect(await target.readInstances("fraud-detector")).toEqual([
      { variantName: "primary", instanceType: "ml.m5.large", instances: 2 },
      { variantName: "primary", instanceType: "ml.g5.xlarge", instances: 1 },
    ]);
  });

  it("reports no instances for an endpoint SageMaker does not have", async () => {
    const { sagemaker, target } = mockedTarget();
    sagemaker.on(DescribeEndpointCommand).rejects(endpointNotFound());
    expect(await target.readInstances("fraud-detector")).toEqual([]);
  });
});
