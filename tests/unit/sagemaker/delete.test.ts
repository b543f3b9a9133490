import {
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DescribeEndpointCommand,
  ListEndpointConfigsCommand,
  ListModelsCommand,
  ListTagsCommand,
} from "@aws-sdk/client-sagemaker";
import { describe, expect, it } from "vitest";
import { awsError, endpointNotFound, liveEndpoint, mockedTarget, writeCommands } from "@/tests/unit/sagemaker/helpers";

const arn = (kind: string, name: string) => `arn:aws:sagemaker:eu-west-1:123456789012:${kind}/${name}`;
const ownedBy = (endpoint: string) => ({ Tags: [{ Key: "modelport:endpoint", Value: endpoint }] });

/** Ours, a look-alike of endpoint "fraud-detector-v2" (same name prefix) and something Modelport never made. */
function withLeftovers(env: ReturnType<typeof mockedTarget>) {
  const configs = ["fraud-detector-cfg-aaaaaaaaaaaa", "fraud-detector-cfg-bbbbbbbbbbbb", "fraud-detector-cfg-manual"];
  const models = [
    "fraud-detector-fraud-xgb-v1-aaaaaaaaaaaa",
    "fraud-detector-v2-fraud-xgb-v7-cccccccccccc",
    "fraud-detector-handmade",
  ];
  env.sagemaker
    .on(ListEndpointConfigsCommand)
    .resolvesOnce({
      EndpointConfigs: configs.slice(0, 2).map((name) => ({
        EndpointConfigName: name,
        EndpointConfigArn: arn("endpoint-config", name),
        CreationTime: new Date(0),
      })),
      NextToken: "page-2",
    })
    .resolves({
      EndpointConfigs: [
        {
          EndpointConfigName: configs[2],
          EndpointConfigArn: arn("endpoint-config", configs[2] ?? ""),
          CreationTime: new Date(0),
        },
      ],
    });
  env.sagemaker.on(ListModelsCommand).resolves({
    Models: models.map((name) => ({ ModelName: name, ModelArn: arn("model", name), CreationTime: new Date(0) })),
  });
  env.sagemaker.on(ListTagsCommand).resolves(ownedBy("fraud-detector"));
  env.sagemaker
    .on(ListTagsCommand, { ResourceArn: arn("endpoint-config", "fraud-detector-cfg-bbbbbbbbbbbb") })
    .resolves(ownedBy("fraud-detector-v2"));
  env.sagemaker
    .on(ListTagsCommand, { ResourceArn: arn("model", "fraud-detector-v2-fraud-xgb-v7-cccccccccccc") })
    .resolves(ownedBy("fraud-detector-v2"));
}

const inputs = <T>(calls: { args: [{ input: T }] }[]) => calls.map((call) => call.args[0].input);

describe("delete", () => {
  it("deletes the endpoint, waits until it is gone, then only the configs and models it created", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(liveEndpoint())
      .resolvesOnce(liveEndpoint({ EndpointStatus: "Deleting" }))
      .rejects(endpointNotFound());
    withLeftovers(env);

    await env.target.delete("fraud-detector");

    expect(writeCommands(env.sagemaker)).toEqual(["DeleteEndpoint", "DeleteEndpointConfig", "DeleteModel"]);
    expect(inputs(env.sagemaker.commandCalls(DeleteEndpointCommand))).toEqual([{ EndpointName: "fraud-detector" }]);
    expect(inputs(env.sagemaker.commandCalls(DeleteEndpointConfigCommand))).toEqual([
      { EndpointConfigName: "fraud-detector-cfg-aaaaaaaaaaaa" },
    ]);
    expect(inputs(env.sagemaker.commandCalls(DeleteModelCommand))).toEqual([
      { ModelName: "fraud-detector-fraud-xgb-v1-aaaaaaaaaaaa" },
    ]);
    expect(env.sagemaker.commandCalls(ListEndpointConfigsCommand)[0]?.args[0].input).toEqual({
      NameContains: "fraud-detector-",
    });
  });

  it("is not an error for an absent endpoint, and still removes leftovers of an earlier attempt", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).rejects(endpointNotFound());
    withLeftovers(env);

    await env.target.delete("fraud-detector");

    expect(writeCommands(env.sagemaker)).toEqual(["DeleteEndpointConfig", "DeleteModel"]);
  });

  it("ignores resources that vanished meanwhile but reports other failures after trying the rest", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).rejects(endpointNotFound());
    withLeftovers(env);
    env.sagemaker
      .on(DeleteEndpointConfigCommand)
      .rejects(awsError("ValidationException", "Could not find endpoint configuration"));
    env.sagemaker
      .on(DeleteModelCommand)
      .rejects(awsError("AccessDeniedException", "not authorized to perform sagemaker:DeleteModel"));

    await expect(env.target.delete("fraud-detector")).rejects.toThrow(
      "Could not delete 1 SageMaker resource(s) of endpoint fraud-detector",
    );
    expect(writeCommands(env.sagemaker)).toEqual(["DeleteEndpointConfig", "DeleteModel"]);
  });

  it("gives up with a clear error when SageMaker is still deleting after the configured time", async () => {
    const env = mockedTarget({ deleteTimeoutSeconds: 0 });
    env.sagemaker.on(DescribeEndpointCommand).resolves(liveEndpoint({ EndpointStatus: "Deleting" }));

    await expect(env.target.delete("fraud-detector")).rejects.toThrow(
      "SageMaker is still deleting endpoint fraud-detector after 0 s",
    );
    expect(writeCommands(env.sagemaker)).toEqual([]);
  });
});
