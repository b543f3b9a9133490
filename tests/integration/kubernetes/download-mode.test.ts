import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemContextFromEnv } from "@/server/context-from-env";
import { env } from "@/server/env";
import { variantObjectName } from "@/server/integrations/kubernetes/object-names";
import { deploymentRuntime } from "@/server/jobs/handlers/deployment-runtime";
import { kubernetesArtifactUri } from "@/server/jobs/handlers/kubernetes-artifact-uri";
import { buildOpenApiDocument } from "@/server/rest/openapi";
import { allEndpoints } from "@/server/rest/endpoints";
import { signedArtifactUrl } from "@/server/services/artifacts/signed-links";
import { startApiServer } from "@/tests/integration/support/api-server";
import { FakeKubernetesApi } from "@/tests/integration/kubernetes/fake-api-server";
import { baseConfigInput, onnxVariant } from "@/tests/unit/kubernetes/samples";

/*
 * Download mode end to end on this host: the deployment runtime turns a stored artifact into the portal's signed
 * link, the Kubernetes target puts it into the init container, and the portal's real /api/v1 route, served over
 * HTTP, answers that link with the artifact's bytes and refuses tampered or expired ones.
 */

const NS = "ml-serving";
const TOKEN = "k8s-test-token";
const ENDPOINT = "fraud-detector-production-kubernetes";

let api: FakeKubernetesApi;
let portal: Awaited<ReturnType<typeof startApiServer>>;
let bytes: Buffer;
let sha256: string;

function k8sConfig(modelVolume: Record<string, unknown>, server: string) {
  return JSON.stringify({
    ...baseConfigInput,
    connection: { kind: "token", server, token: TOKEN, skipTlsVerify: true },
    modelVolume,
  });
}

beforeAll(async () => {
  api = new FakeKubernetesApi(TOKEN);
  const server = await api.start();
  portal = await startApiServer();
  // The portal as the pods reach it; read once by env(), so set before anything asks for it.
  process.env.MODELPORT_PUBLIC_URL = portal.url;
  process.env.MODELPORT_K8S_CONFIG = k8sConfig(
    { kind: "download", downloaderImage: "registry.example.test/curl:8.10.1" },
    server,
  );
  bytes = randomBytes(200_000);
  const stored = await systemContextFromEnv().artifacts.put(new Blob([new Uint8Array(bytes)]).stream(), {
    maxBytes: 1_000_000,
  });
  sha256 = stored.sha256;
});

afterAll(async () => {
  delete process.env.MODELPORT_K8S_CONFIG;
  await portal.close();
  await api.stop();
});

async function deployedArtifactUrl(): Promise<string> {
  const runtime = deploymentRuntime(systemContextFromEnv());
  const artifactUri = await runtime.artifactUri({ sha256, path: "model.onnx" }, "KUBERNETES");
  await runtime.target("KUBERNETES").apply({
    endpointName: ENDPOINT,
    variants: [onnxVariant({ variantName: "fraud-detector-v7", artifactUri, artifactSha256: sha256 })],
  });
  const deployment = api.object("Deployment", NS, variantObjectName(ENDPOINT, "fraud-detector-v7"));
  const pod = (
    deployment?.spec?.template as { spec: { initContainers: Array<{ env: Array<{ name: string; value?: string }> }> } }
  ).spec;
  const url = pod.initContainers[0]?.env.find((variable) => variable.name === "ARTIFACT_URL")?.value;
  if (!url) throw new Error("no ARTIFACT_URL in the init container");
  return url;
}

function withQuery(url: string, change: (query: URLSearchParams) => void): string {
  const changed = new URL(url);
  change(changed.searchParams);
  return changed.toString();
}

describe("Kubernetes download mode", () => {
  it("gives the init container an absolute link the portal serves with the artifact's bytes, without a token", async () => {
    const url = await deployedArtifactUrl();

    expect(url).toMatch(
      new RegExp(`^${portal.url}/api/v1/artifacts/${sha256}/download\\?expires=\\d+&signature=[\\w-]{43}$`),
    );
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(bytes)).toBe(true);
    expect(createHash("sha256").update(body).digest("hex")).toBe(sha256);
    expect(response.headers.get("x-artifact-sha256")).toBe(sha256);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
  });

  it("keeps the same link when the endpoint is applied again, so its pods do not roll", async () => {
    const first = await deployedArtifactUrl();
    const generation = api.object("Deployment", NS, variantObjectName(ENDPOINT, "fraud-detector-v7"))?.metadata
      .generation;

    expect(await deployedArtifactUrl()).toBe(first);
    expect(api.object("Deployment", NS, variantObjectName(ENDPOINT, "fraud-detector-v7"))?.metadata.generation).toBe(
      generation,
    );
  });

  it.each([
    ["a changed signature", (q: URLSearchParams) => q.set("signature", `${q.get("signature")?.slice(0, -2)}xy`)],
    ["a later expiry", (q: URLSearchParams) => q.set("expires", String(Number(q.get("expires")) + 3600))],
    ["a made-up signature", (q: URLSearchParams) => q.set("signature", "A".repeat(43))],
  ])("refuses %s with 403", async (_case, tamper) => {
    const response = await fetch(withQuery(await deployedArtifactUrl(), tamper));
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "FORBIDDEN", message: "This download link is not valid" } });
  });

  it("refuses an expired link with 403", async () => {
    const settings = { secret: env().ARTIFACT_URL_SECRET, ttlSeconds: 60 };
    const expired = signedArtifactUrl(portal.url, sha256, settings, new Date(Date.now() - 10 * 60_000));
    const response = await fetch(expired);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "FORBIDDEN", message: "This download link has expired" } });
  });

  it("answers a valid link to a blob it does not have with 404, and a link without a signature with 400", async () => {
    const unknown = "e".repeat(64);
    const settings = { secret: env().ARTIFACT_URL_SECRET, ttlSeconds: 3600 };
    expect((await fetch(signedArtifactUrl(portal.url, unknown, settings, new Date()))).status).toBe(404);
    const unsigned = withQuery(await deployedArtifactUrl(), (q) => q.delete("signature"));
    expect((await fetch(unsigned)).status).toBe(400);
  });

  it("is documented in the OpenAPI document as needing no token", () => {
    const operation = buildOpenApiDocument(allEndpoints).paths["/artifacts/{sha256}/download"]?.get;
    expect(operation?.security).toEqual([]);
    expect(Object.keys(operation?.responses ?? {})).toEqual(["200", "400", "403", "404"]);
    expect(JSON.stringify(operation?.parameters)).toContain('"name":"signature"');
  });

  it("keeps the model-store path when the model volume is a claim", () => {
    const download = process.env.MODELPORT_K8S_CONFIG;
    process.env.MODELPORT_K8S_CONFIG = k8sConfig({ kind: "pvc", claimName: "model-store" }, "https://k8s.example.test");
    try {
      expect(kubernetesArtifactUri(sha256)).toBe(`artifacts/${sha256}/model`);
    } finally {
      process.env.MODELPORT_K8S_CONFIG = download;
    }
  });
});
