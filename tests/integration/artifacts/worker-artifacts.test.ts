import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemContextFromEnv } from "@/server/context-from-env";
import { deploymentRuntime } from "@/server/jobs/handlers/deployment-runtime";
import { S3ArtifactStore } from "@/server/services/artifacts/s3-artifact-store";
import { s3ArtifactClient } from "@/server/services/artifacts/store";
import { DeploymentFailure } from "@/server/services/deployments/deployment-steps";
import { startLocalS3 } from "@/tests/integration/support/local-s3";

// With artifacts in S3, the worker hands the local runtime a verified download of the model on this machine, and a
// blob missing from the bucket fails the release as a missing artifact (not a retried error).
const BUCKET = "modelport-worker-artifacts";
let s3: Awaited<ReturnType<typeof startLocalS3>>;
let cache: string;
let store: S3ArtifactStore;

beforeAll(async () => {
  s3 = await startLocalS3(BUCKET);
  cache = await mkdtemp(path.join(tmpdir(), "modelport-worker-cache-"));
  const client = s3ArtifactClient({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  store = new S3ArtifactStore(client, { bucket: BUCKET, prefix: "", cacheDirectory: cache });
});

afterAll(async () => {
  await s3?.stop();
  await rm(cache, { recursive: true, force: true });
});

describe("the worker's artifacts from S3", () => {
  it("gives the local runtime a verified file and SageMaker nothing but a key; a missing blob fails the release", async () => {
    const data = Buffer.from("onnx model bytes, as far as this test cares");
    const { sha256 } = await store.put(new Response(data).body!, { maxBytes: 1024 });
    const runtime = deploymentRuntime({ ...systemContextFromEnv(), artifacts: store });

    const file = await runtime.artifactUri({ sha256, path: "model.onnx" }, "LOCAL");
    expect(file.startsWith(cache)).toBe(true);
    expect((await readFile(file)).equals(data)).toBe(true);
    expect(await runtime.artifactUri({ sha256, path: "model.onnx" }, "SAGEMAKER")).toBe(`artifacts/${sha256}/model`);

    const missing = createHash("sha256").update("not in the bucket").digest("hex");
    expect(await runtime.artifactExists(missing)).toBe(false);
    const failure = await runtime
      .artifactUri({ sha256: missing, path: "model.onnx" }, "LOCAL")
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeploymentFailure);
    expect(failure).toMatchObject({ message: "The artifact's bytes are missing from the artifact store" });
  });
});
