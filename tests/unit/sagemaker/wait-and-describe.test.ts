import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  ListTagsCommand,
  UpdateEndpointCommand,
  type EndpointStatus,
} from "@aws-sdk/client-sagemaker";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SageMakerRequestError } from "@/server/integrations/sagemaker/errors";
import { awsError, endpointNotFound, liveEndpoint, mockedTarget, writeCommands } from "@/tests/unit/sagemaker/helpers";

const OLD_CONFIG = "fraud-detector-cfg-aaaaaaaaaaaa";
const NEW_CONFIG = "fraud-detector-cfg-bbbbbbbbbbbb";
const expecting = (config: string) => ({ Tags: [{ Key: "modelport:expected-endpoint-config", Value: config }] });
const describeCalls = (env: ReturnType<typeof mockedTarget>) =>
  env.sagemaker.commandCalls(DescribeEndpointCommand).length;

describe("describe", () => {
  it.each([
    ["Creating", "creating"],
    ["Updating", "updating"],
    ["SystemUpdating", "updating"],
    ["RollingBack", "updating"],
    ["InService", "healthy"],
    ["Failed", "failed"],
    ["UpdateRollbackFailed", "failed"],
  ] as [EndpointStatus, string][])("maps %s to %s", async (sageMakerStatus, status) => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).resolves(liveEndpoint({ EndpointStatus: sageMakerStatus }));
    await expect(env.target.describe("fraud-detector")).resolves.toMatchObject({
      endpointName: "fraud-detector",
      status,
    });
  });

  it("reports a Failed endpoint's FailureReason, and variant weights as percentages of SageMaker's relative weights", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).resolves(
      liveEndpoint({
        EndpointStatus: "Failed",
        FailureReason: "The primary container for production variant v2 did not pass the ping health check.",
        ProductionVariants: [
          { VariantName: "v1", CurrentWeight: 3, CurrentInstanceCount: 2 },
          { VariantName: "v2", CurrentWeight: 1, CurrentInstanceCount: 0 },
        ],
      }),
    );
    await expect(env.target.describe("fraud-detector")).resolves.toEqual({
      endpointName: "fraud-detector",
      status: "failed",
      message: "The primary container for production variant v2 did not pass the ping health check.",
      variants: [
        { variantName: "v1", weight: 75, ready: false, replicas: 2 },
        { variantName: "v2", weight: 25, ready: false, replicas: 0 },
      ],
    });
  });

  it.each([
    ["a ValidationException 'Could not find endpoint'", endpointNotFound()],
    ["ResourceNotFound", awsError("ResourceNotFound", "Endpoint not found")],
  ])("answers absent for %s", async (_case, error) => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).rejects(error);
    await expect(env.target.describe("fraud-detector")).resolves.toEqual({
      endpointName: "fraud-detector",
      status: "absent",
      variants: [],
    });
  });

  it("surfaces other errors with the operation and AWS's own message, without retrying them", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .rejects(awsError("AccessDeniedException", "User is not authorized to perform sagemaker:DescribeEndpoint"));
    const error = await env.target.describe("fraud-detector").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SageMakerRequestError);
    expect(String(error)).toContain("SageMaker DescribeEndpoint failed: AccessDeniedException: User is not authorized");
    expect(describeCalls(env)).toBe(1);
  });
});

describe("waitUntilSettled", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("polls until InService on the expected config and reports healthy", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(liveEndpoint({ EndpointStatus: "Creating" }))
      .resolvesOnce(liveEndpoint({ EndpointStatus: "Creating" }))
      .resolves(liveEndpoint({ EndpointConfigName: NEW_CONFIG }));
    env.sagemaker.on(ListTagsCommand).resolves(expecting(NEW_CONFIG));

    await expect(env.target.waitUntilSettled("fraud-detector", { timeoutMs: 5000, pollMs: 1 })).resolves.toMatchObject({
      status: "healthy",
    });
    expect(describeCalls(env)).toBe(3);
  });

  it("reports Failed as failed with SageMaker's FailureReason", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .resolves(liveEndpoint({ EndpointStatus: "Failed", FailureReason: "Failed to download model data" }));
    env.sagemaker.on(ListTagsCommand).resolves(expecting(NEW_CONFIG));
    await expect(env.target.waitUntilSettled("fraud-detector", { timeoutMs: 5000, pollMs: 1 })).resolves.toMatchObject({
      status: "failed",
      message: "Failed to download model data",
      failureReason: "Failed to download model data",
    });
  });

  it.each(["Creating", "Updating", "SystemUpdating", "RollingBack"] as EndpointStatus[])(
    "keeps waiting while the endpoint is %s",
    async (inProgress) => {
      const env = mockedTarget();
      env.sagemaker
        .on(DescribeEndpointCommand)
        .resolvesOnce(liveEndpoint({ EndpointStatus: inProgress }))
        .resolves(liveEndpoint({ EndpointConfigName: NEW_CONFIG }));
      env.sagemaker.on(ListTagsCommand).resolves(expecting(NEW_CONFIG));
      await expect(
        env.target.waitUntilSettled("fraud-detector", { timeoutMs: 5000, pollMs: 1 }),
      ).resolves.toMatchObject({ status: "healthy" });
      expect(describeCalls(env)).toBe(2);
    },
  );

  it("reports an update SageMaker rolled back (InService on the OLD config) as healthy with a failureReason", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(
        liveEndpoint({
          EndpointStatus: "Updating",
          EndpointConfigName: OLD_CONFIG,
          PendingDeploymentSummary: { EndpointConfigName: NEW_CONFIG },
        }),
      )
      .resolvesOnce(liveEndpoint({ EndpointStatus: "RollingBack", EndpointConfigName: OLD_CONFIG }))
      .resolves(
        liveEndpoint({
          EndpointConfigName: OLD_CONFIG,
          FailureReason: "CloudWatch alarm fraud-detector-5xx went into ALARM state",
        }),
      );
    env.sagemaker.on(ListTagsCommand).resolves(expecting(NEW_CONFIG));

    const state = await env.target.waitUntilSettled("fraud-detector", { timeoutMs: 5000, pollMs: 1 });

    expect(state.status).toBe("healthy");
    expect(state.failureReason).toBe(
      `SageMaker rolled the update back: CloudWatch alarm fraud-detector-5xx went into ALARM state. It still serves ${OLD_CONFIG} instead of ${NEW_CONFIG}.`,
    );
    expect(describeCalls(env)).toBe(3);
  });

  it("does not let an old FailureReason spoil a later successful update", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .resolves(liveEndpoint({ EndpointConfigName: NEW_CONFIG, FailureReason: "an earlier rollback" }));
    env.sagemaker.on(ListTagsCommand).resolves(expecting(NEW_CONFIG));
    const state = await env.target.waitUntilSettled("fraud-detector", { timeoutMs: 5000, pollMs: 1 });
    expect(state).toEqual({ endpointName: "fraud-detector", status: "healthy", variants: expect.any(Array) });
  });

  it("without an expected-config tag, treats InService with a FailureReason as a rollback", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).resolves(liveEndpoint({ FailureReason: "Alarm p99 fired" }));
    env.sagemaker.on(ListTagsCommand).resolves({ Tags: [] });
    await expect(env.target.waitUntilSettled("fraud-detector", { timeoutMs: 5000, pollMs: 1 })).resolves.toMatchObject({
      status: "healthy",
      failureReason: "SageMaker rolled the update back: Alarm p99 fired.",
    });
  });
  it("answers absent at once when the endpoint does not exist", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).rejects(endpointNotFound());
    await expect(
      env.target.waitUntilSettled("fraud-detector", { timeoutMs: 60_000, pollMs: 1 }),
    ).resolves.toMatchObject({ status: "absent" });
  });

  it("returns the last state when the timeout passes, backing off between polls", async () => {
    vi.useFakeTimers();
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).resolves(liveEndpoint({ EndpointStatus: "Updating" }));

    const result = env.target.waitUntilSettled("fraud-detector", { timeoutMs: 1000, pollMs: 100 });
    const pollsAt: number[] = [];
    for (const until of [0, 100, 250, 475, 875, 1000]) {
      await vi.advanceTimersByTimeAsync(until - (pollsAt.at(-1) ?? 0));
      pollsAt.push(until);
      expect(describeCalls(env), `polls by ${until} ms`).toBe(pollsAt.length);
    }

    await expect(result).resolves.toMatchObject({ status: "updating" });
  });

  it("rejects with the abort reason as soon as the signal aborts, even mid-wait", async () => {
    vi.useFakeTimers();
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).resolves(liveEndpoint({ EndpointStatus: "Creating" }));
    const controller = new AbortController();

    const result = env.target.waitUntilSettled("fraud-detector", {
      timeoutMs: 3_600_000,
      pollMs: 60_000,
      signal: controller.signal,
    });
    const settled = expect(result).rejects.toThrow("deployment cancelled");
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort(new Error("deployment cancelled"));
    await settled;
    expect(describeCalls(env)).toBe(1);
  });

  it("does not call SageMaker at all when the signal is already aborted", async () => {
    const env = mockedTarget();
    await expect(
      env.target.waitUntilSettled("fraud-detector", { timeoutMs: 1000, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(describeCalls(env)).toBe(0);
  });
});

describe("waitUntilSettled: UpdateRollbackFailed", () => {
  const rollbackFailed = liveEndpoint({
    EndpointStatus: "UpdateRollbackFailed",
    EndpointConfigName: NEW_CONFIG,
    FailureReason: "Rollback could not restore the old fleet",
  });
  const recorded = (previous?: string) => ({
    Tags: [
      ...expecting(NEW_CONFIG).Tags,
      ...(previous ? [{ Key: "modelport:previous-endpoint-config", Value: previous }] : []),
    ],
  });

  it("restores the config that served before the update, all at once, and reports healthy with the failure", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(rollbackFailed)
      .resolvesOnce(
        liveEndpoint({
          EndpointStatus: "Updating",
          EndpointConfigName: NEW_CONFIG,
          PendingDeploymentSummary: { EndpointConfigName: OLD_CONFIG },
        }),
      )
      .resolves(liveEndpoint({ EndpointConfigName: OLD_CONFIG }));
    env.sagemaker.on(ListTagsCommand).resolves(recorded(OLD_CONFIG));
    env.sagemaker.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: OLD_CONFIG });

    const state = await env.target.waitUntilSettled("fraud-detector", { timeoutMs: 5000, pollMs: 1 });

    expect(writeCommands(env.sagemaker)).toEqual(["UpdateEndpoint"]);
    expect(env.sagemaker.commandCalls(UpdateEndpointCommand)[0]?.args[0].input).toEqual({
      EndpointName: "fraud-detector",
      EndpointConfigName: OLD_CONFIG,
      RetainAllVariantProperties: false,
      DeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: "ALL_AT_ONCE", WaitIntervalInSeconds: 0 },
          MaximumExecutionTimeoutInSeconds: 7200,
        },
      },
    });
    expect(state.status).toBe("healthy");
    expect(state.failureReason).toBe(
      "SageMaker could neither finish the update nor roll it back (UpdateRollbackFailed: Rollback could not restore the old fleet). " +
        `Modelport restored ${OLD_CONFIG}, which served before the update.`,
    );
  });

  it("reports failed, touching nothing, when no earlier config is recorded", async () => {
    const env = mockedTarget();
    env.sagemaker.on(DescribeEndpointCommand).resolves(rollbackFailed);
    env.sagemaker.on(ListTagsCommand).resolves(recorded());

    const state = await env.target.waitUntilSettled("fraud-detector", { timeoutMs: 3_600_000, pollMs: 1 });

    expect(state.status).toBe("failed");
    expect(state.failureReason).toContain("No earlier config is recorded to restore; apply the previous spec");
    expect(writeCommands(env.sagemaker)).toEqual([]);
    expect(describeCalls(env)).toBe(1);
  });

  it("reports failed when the restore fails as well", async () => {
    const env = mockedTarget();
    env.sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce(rollbackFailed)
      .resolves(liveEndpoint({ EndpointStatus: "Failed", FailureReason: "Out of capacity" }));
    env.sagemaker.on(ListTagsCommand).resolves(recorded(OLD_CONFIG));
    env.sagemaker.on(DescribeEndpointConfigCommand).resolves({ EndpointConfigName: OLD_CONFIG });

    const state = await env.target.waitUntilSettled("fraud-detector", { timeoutMs: 5000, pollMs: 1 });

    expect(state.status).toBe("failed");
    expect(state.failureReason).toContain(`Restoring ${OLD_CONFIG} failed too: Out of capacity.`);
  });
});
