import { CreateModelCommand, DescribeEndpointCommand } from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { SageMakerRequestError, isRetryableAwsError } from "@/server/integrations/sagemaker/errors";
import { backoffDelay } from "@/server/integrations/sagemaker/timing";
import {
  awsError,
  endpointNotFound,
  liveEndpoint,
  mockedTarget,
  spec,
  throttled,
  variant,
} from "@/tests/unit/sagemaker/helpers";

describe("retries", () => {
  it("retries throttling and 5xx errors, then succeeds", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(awsError("ServiceUnavailable", "Service Unavailable", 503))
      .resolves(liveEndpoint());

    await expect(env.target.describe("fraud-detector")).resolves.toMatchObject({ status: "healthy" });
    expect(env.sagemaker.commandCalls(DescribeEndpointCommand)).toHaveLength(3);
  });

  it("retries a throttled write and creates the model exactly once", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(endpointNotFound())
      .resolves(liveEndpoint({ EndpointStatus: "Creating" }));
    env.sagemaker.on(CreateModelCommand).rejectsOnce(throttled()).resolves({ ModelArn: "arn" });

    await env.target.apply(spec(variant(1, 100)));

    expect(env.sagemaker.commandCalls(CreateModelCommand)).toHaveLength(2);
  });

  it("gives up after the configured number of attempts and says so", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).rejects(throttled());

    const error = await env.target.describe("fraud-detector").catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SageMakerRequestError);
    expect(String(error)).toContain(
      "SageMaker DescribeEndpoint failed after 4 attempts: ThrottlingException: Rate exceeded",
    );
    expect(env.sagemaker.commandCalls(DescribeEndpointCommand)).toHaveLength(4);
  });

  it("does not retry a validation error and surfaces SageMaker's message", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).rejects(endpointNotFound());
    env.sagemaker
      .on(CreateModelCommand)
      .rejects(
        awsError(
          "ValidationException",
          "Could not access model data at s3://modelport-models/prod/fraud-xgb/v1/model.tar.gz.",
        ),
      );

    await expect(env.target.apply(spec(variant(1, 100)))).rejects.toThrow(
      "SageMaker CreateModel failed: ValidationException: Could not access model data at s3://modelport-models/prod/fraud-xgb/v1/model.tar.gz.",
    );
    expect(env.sagemaker.commandCalls(CreateModelCommand)).toHaveLength(1);
  });
});

describe("error classification and backoff", () => {
  it.each([
    [throttled(), true],
    [awsError("TooManyRequestsException", "slow down", 429), true],
    [awsError("InternalFailure", "oops", 500), true],
    [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), true],
    [awsError("ValidationException", "bad"), false],
    [awsError("ResourceLimitExceeded", "quota for ml.g5.2xlarge is 0"), false],
    [awsError("AccessDeniedException", "no", 403), false],
  ])("%s → retryable %s", (error, retryable) => {
    expect(isRetryableAwsError(error)).toBe(retryable);
  });

  it("grows exponentially, never below half a step and never above the cap", () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, 100, 1000, () => 0))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, 100, 1000, () => 1))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
  });
});
