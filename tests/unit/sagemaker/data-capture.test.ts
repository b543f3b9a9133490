import {
  CreateEndpointConfigCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  ListTagsCommand,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { samplingPercentage } from "@/server/integrations/sagemaker/endpoint-config";
import {
  desiredFor,
  endpointNotFound,
  liveEndpoint,
  mockedTarget,
  spec,
  variant,
  writeCommands,
} from "@/tests/unit/sagemaker/helpers";

const withCapture = (captureRate: number) => ({ ...spec(variant(1, 100)), captureRate });

describe("SageMaker data capture", () => {
  it("turns the endpoint's capture rate into a whole sampling percentage", () => {
    expect([0, 0.001, 0.004, 0.25, 0.333, 1].map(samplingPercentage)).toEqual([0, 1, 1, 25, 33, 100]);
  });

  it("asks SageMaker to capture inputs and outputs as JSON under the capture prefix", async () => {
    const { sagemaker, target } = mockedTarget();
    sagemaker.on(DescribeEndpointCommand).rejects(endpointNotFound());
    await target.apply(withCapture(0.25));
    const input = sagemaker.commandCalls(CreateEndpointConfigCommand)[0]?.args[0].input;
    expect(input?.DataCaptureConfig).toEqual({
      EnableCapture: true,
      InitialSamplingPercentage: 25,
      DestinationS3Uri: "s3://modelport-models/prod/data-capture",
      CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
      CaptureContentTypeHeader: { JsonContentTypes: ["application/json"] },
    });
  });

  it("uses a configured capture prefix, and disables capture at rate 0", () => {
    const desired = desiredFor(withCapture(0), { captureS3Prefix: "s3://capture-bucket/sm/" });
    expect(desired.configInput.DataCaptureConfig).toMatchObject({
      EnableCapture: false,
      InitialSamplingPercentage: 0,
      DestinationS3Uri: "s3://capture-bucket/sm",
    });
  });

  it("names configs by their capture policy too, so a changed rate gets a new config", () => {
    const names = [undefined, 0.25, 0.5].map(
      (rate) => desiredFor({ ...spec(variant(1, 100)), captureRate: rate }).configName,
    );
    expect(new Set(names).size).toBe(3);
    expect(desiredFor(withCapture(0.25)).configName).toBe(names[1]);
  });

  it("does not treat a changed capture rate as a weight-only change: the endpoint gets the new config", async () => {
    const live = desiredFor(withCapture(1));
    const wanted = desiredFor(withCapture(0.1));
    const { sagemaker, target } = mockedTarget();
    sagemaker.on(DescribeEndpointCommand).resolves(liveEndpoint({ EndpointConfigName: live.configName }));
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: live.configName,
      ProductionVariants: live.variants,
      DataCaptureConfig: live.dataCapture,
    });
    sagemaker.on(ListTagsCommand).resolves({ Tags: [] });
    await target.apply(withCapture(0.1));
    expect(writeCommands(sagemaker)).toContain("UpdateEndpoint");
    expect(sagemaker.commandCalls(CreateEndpointConfigCommand)[0]?.args[0].input.EndpointConfigName).toBe(
      wanted.configName,
    );
  });

  it("leaves an endpoint whose live config already captures as wanted on its config", async () => {
    const live = desiredFor(withCapture(0.5));
    const { sagemaker, target } = mockedTarget();
    sagemaker.on(DescribeEndpointCommand).resolves(liveEndpoint({ EndpointConfigName: live.configName }));
    sagemaker.on(DescribeEndpointConfigCommand).resolves({
      EndpointConfigName: live.configName,
      ProductionVariants: live.variants,
      DataCaptureConfig: live.dataCapture,
    });
    sagemaker.on(ListTagsCommand).resolves({ Tags: [] });
    await target.apply(withCapture(0.5));
    expect(writeCommands(sagemaker)).not.toContain("CreateEndpointConfig");
    expect(writeCommands(sagemaker)).not.toContain("UpdateEndpoint");
  });
});
