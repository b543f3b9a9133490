import { db } from "@/server/db/client";
import { fileArtifactSource } from "@/server/integrations/sagemaker/file-artifact-source";
import { TAG_ARTIFACT_SHA256 } from "@/server/integrations/sagemaker/names";
import { SageMakerTarget } from "@/server/integrations/sagemaker/sagemaker-target";
import { FakeS3 } from "@/tests/integration/sagemaker/fake-s3-server";
import { FakeSageMaker } from "@/tests/integration/sagemaker/fake-sagemaker-server";
import { blobPathOf } from "@/tests/integration/conformance/local-blob";
import { builtModels } from "@/tests/integration/conformance/built-models";
import type { TargetHarness } from "@/tests/integration/conformance/target-harness";

const ALARM = "conformance-endpoint-5xx";

/**
 * The real SageMaker target and AWS SDK clients against the SageMaker and S3 stand-ins (tests/integration/sagemaker),
 * which enforce SageMaker's rules that matter here: no update while Updating, blue/green canary with alarm rollback,
 * unchanged variant names, containers that fail their ping. Time is scaled: a SageMaker second is 100 ms.
 */
export function sageMakerStandInHarness(): TargetHarness & { sagemaker: FakeSageMaker } {
  const sagemaker = new FakeSageMaker([], { transitionMs: 40, msPerSecond: 100 });
  const s3 = new FakeS3();
  const spoiled = new Set<string>();
  const failing = new Set<number>();
  let urls: { sagemaker: string; s3: string } | undefined;
  const models = builtModels("modelport-conformance-sm-");

  const target = () => {
    if (!urls) throw new Error("start() the harness first");
    return new SageMakerTarget(
      {
        region: "eu-west-1",
        executionRoleArn: "arn:aws:iam::123456789012:role/modelport-sagemaker",
        images: { ONNX: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/onnx-inference:1.19" },
        modelDataS3Prefix: "s3://modelport-conformance/models/",
        defaultInstanceType: "ml.m5.large",
        defaultInstanceCount: 1,
        rollbackAlarmNames: [ALARM],
        endpointUrl: urls.sagemaker,
        runtimeEndpointUrl: urls.sagemaker,
        autoScalingEndpointUrl: urls.sagemaker,
        s3EndpointUrl: urls.s3,
        cloudWatchEndpointUrl: urls.sagemaker,
        pollMs: 20,
        deletePollMs: 20,
        retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
      },
      { artifacts: fileArtifactSource(blobPathOf) },
    );
  };

  return {
    sagemaker,
    name: "SageMaker (stand-in)",
    kind: "SAGEMAKER",
    start: async () => {
      // The real SDK signs every request; the stand-ins accept any key.
      process.env.AWS_ACCESS_KEY_ID = "AKIAMODELPORTTEST";
      process.env.AWS_SECRET_ACCESS_KEY = "modelport-test-secret";
      urls = { sagemaker: await sagemaker.start(), s3: await s3.start() };
      // Components, transform jobs and asynchronous endpoints score with the model files uploaded to the S3 stand-in.
      sagemaker.useS3(s3);
      await models.write();
      // A model whose bytes cannot be loaded never answers its container's ping.
      sagemaker.failPingWhen((tags) => spoiled.has(tags.find((t) => t.Key === TAG_ARTIFACT_SHA256)?.Value ?? ""));
    },
    stop: async () => {
      await sagemaker.stop();
      await s3.stop();
      await models.remove();
    },
    target,
    artifactUri: async (artifact) => `artifacts/${artifact.sha256}/model`,
    guardrails: () => target().guardrails(),
    registerVersion: models.register,
    breakVariant: async () => {
      sagemaker.setAlarm(ALARM, "ALARM");
    },
    failVersion: (version) => {
      failing.add(version);
    },
    invoke: async (endpointName) => {
      const started = performance.now();
      const served = sagemaker.invoke(endpointName);
      const sha256 = served?.modelTags.find((t) => t.Key === TAG_ARTIFACT_SHA256)?.Value;
      if (!served || !sha256) return { ok: false, version: null };
      const endpoint = await db().endpoint.findUniqueOrThrow({ where: { name: endpointName } });
      const version = await db().modelVersion.findFirst({
        where: { modelId: endpoint.modelId, artifact: { sha256 } },
        orderBy: { version: "asc" },
      });
      const ok = !(version && failing.has(version.version));
      const dimensions = { EndpointName: endpointName, VariantName: served.variantName };
      sagemaker.cloudWatch.record("ModelLatency", dimensions, (performance.now() - started) * 1000);
      if (!ok) sagemaker.cloudWatch.recordError(dimensions);
      return ok ? { ok: true, version: version?.version ?? null } : { ok: false, version: null };
    },
    served: async (endpointName) => {
      const state = await target().describe(endpointName);
      return Object.fromEntries(state.variants.map((v) => [v.variantName, v.weight]));
    },
    // Corrupt bytes never reach a SageMaker container: the upload's checksum (x-amz-checksum-sha256) makes S3 refuse
    // them first. What SageMaker refuses is a model that uploads fine but that its container cannot load: the bytes
    // stay, and the stand-in's container fails its ping for them, so SageMaker itself rolls the update back.
    spoilArtifact: async (sha256) => {
      spoiled.add(sha256);
      return async () => {
        spoiled.delete(sha256);
      };
    },
    breachReason: new RegExp(`rolled the update back: .*CloudWatch alarm ${ALARM}`),
    reset: async () => {
      failing.clear();
      sagemaker.setAlarm(ALARM, "OK");
    },
  };
}
