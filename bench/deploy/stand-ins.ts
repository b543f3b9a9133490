import { setTimeout as sleep } from "node:timers/promises";
import { TAG_ARTIFACT_SHA256 } from "@/server/integrations/sagemaker/names";
import { KubernetesStandIn } from "@/tests/integration/conformance/kubernetes-stand-in";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { FakeSageMaker, type FakeTiming } from "@/tests/integration/sagemaker/fake-sagemaker-server";

/**
 * The SageMaker stand-in's clock: a SageMaker second is 10 ms (1:100), and a fleet takes 3,000 ms to start — about five
 * minutes of real SageMaker instance start, scaled the same way. An all-at-once update has no bake, so a release is one
 * fleet start, and a release whose containers fail their ping is two (start, then roll back).
 */
export const SAGEMAKER_TIMING: FakeTiming = { transitionMs: 3_000, msPerSecond: 10 };
/** Between one stand-in client request and the next: the stand-ins answer in memory, in no time. */
export const CLIENT_PAUSE_MS = 5;
const K8S_TOKEN = "bench-deploy-token";

/** Artifact sha256 → registry version, to tell which version a stand-in's answer came from. */
export type VersionsBySha = Map<string, number>;

/**
 * The SageMaker stand-in (control plane, S3, CloudWatch) and the Kubernetes API-server stand-in, served from this
 * process on 127.0.0.1, with this process playing the Kubernetes controllers and both services' traffic. The worker
 * process reaches them through its ordinary MODELPORT_SAGEMAKER_* and MODELPORT_K8S_CONFIG settings (`workerEnv`).
 */
export async function startStandIns() {
  const sagemaker = new FakeSageMaker([], SAGEMAKER_TIMING);
  const s3 = new FakeS3();
  const cluster = new KubernetesStandIn(K8S_TOKEN);
  // A model that cannot be loaded never answers its container's ping (SageMaker): its fleet never becomes healthy.
  const failsPing = new Set<string>();
  sagemaker.failPingWhen((tags) => failsPing.has(tags.find((t) => t.Key === TAG_ARTIFACT_SHA256)?.Value ?? ""));
  const urls = {
    sagemaker: await sagemaker.start(),
    s3: await s3.start(),
    kubernetes: await cluster.start(),
  };
  const workerEnv: Record<string, string> = {
    // The real SDK signs every request; the stand-ins accept any key.
    AWS_ACCESS_KEY_ID: "AKIAMODELPORTBENCH",
    AWS_SECRET_ACCESS_KEY: "modelport-bench-secret",
    AWS_EC2_METADATA_DISABLED: "true",
    MODELPORT_SAGEMAKER_REGION: "eu-west-1",
    MODELPORT_SAGEMAKER_EXECUTION_ROLE_ARN: "arn:aws:iam::123456789012:role/modelport-sagemaker",
    MODELPORT_SAGEMAKER_IMAGE_ONNX: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/onnx-inference:1.19",
    MODELPORT_SAGEMAKER_S3_PREFIX: "s3://modelport-bench/models",
    MODELPORT_SAGEMAKER_INSTANCE_TYPE: "ml.m5.large",
    // DescribeEndpoint every 50 ms rather than every 15 s: the rows then show the portal's work, not the poll.
    MODELPORT_SAGEMAKER_POLL_MS: "50",
    MODELPORT_SAGEMAKER_ENDPOINT_URL: urls.sagemaker,
    MODELPORT_SAGEMAKER_S3_ENDPOINT_URL: urls.s3,
    // The SageMaker stand-in answers CloudWatch too (its invocations, for cost and the portal's bake readings).
    MODELPORT_SAGEMAKER_CLOUDWATCH_ENDPOINT_URL: urls.sagemaker,
    MODELPORT_K8S_CONFIG: JSON.stringify(cluster.targetConfig(60)),
  };

  const versionOf = (versions: VersionsBySha, sha256: string | undefined) =>
    sha256 === undefined ? null : (versions.get(sha256) ?? null);

  return {
    workerEnv,
    /**
     * The model these artifacts hold cannot be loaded: SageMaker's containers fail their ping; the Kubernetes
     * Deployment exceeds its progress deadline.
     */
    cannotLoad: (artifacts: { sagemaker: string; kubernetes: string }) => {
      failsPing.add(artifacts.sagemaker);
      cluster.spoiled.add(artifacts.kubernetes);
    },
    /** InvokeEndpoint on the SageMaker stand-in: a variant drawn by the serving weights; its model's artifact tag. */
    invokeSageMaker: async (endpointName: string, versions: VersionsBySha) => {
      await sleep(CLIENT_PAUSE_MS);
      const served = sagemaker.invoke(endpointName);
      return versionOf(versions, served?.modelTags.find((t) => t.Key === TAG_ARTIFACT_SHA256)?.Value);
    },
    /** A request through the endpoint's HTTPRoute to an available Deployment, by the route's weights. */
    invokeKubernetes: async (endpointName: string, versions: VersionsBySha) => {
      await sleep(CLIENT_PAUSE_MS);
      const deployment = cluster.route(endpointName);
      if (!deployment) return null;
      const sha256 = [...versions.keys()].find((sha) => KubernetesStandIn.serves(deployment, sha));
      return versionOf(versions, sha256);
    },
    stop: async () => {
      await sagemaker.stop();
      await s3.stop();
      await cluster.stop();
    },
  };
}
