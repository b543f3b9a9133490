import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";

const MAX_BYTES = 64 * 1024;
vi.hoisted(() => {
  process.env.ARTIFACT_MAX_BYTES = String(64 * 1024);
});
vi.mock("@/server/auth/current-user", () => ({ currentUser: vi.fn() }));

const { GET: browserDownload } = await import("@/app/api/artifacts/[artifactId]/route");
const { currentUser } = await import("@/server/auth/current-user");
const { db } = await import("@/server/db/client");
const { uploadArtifact } = await import("@/server/services/artifacts/upload-artifact");
const { callApi, givenToken, givenUser } = await import("@/tests/integration/fixtures");
const { artifactFiles, tableCounts, uniqueName } = await import("@/tests/integration/experiments/helpers");

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const bytesOf = (size: number, seed = 1) => Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed) % 251);

/** A body that arrives in chunks without a Content-Length, as a streaming client sends it. */
function chunked(bytes: Uint8Array, chunkSize = 8192): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

async function runWithToken() {
  const given = await givenToken("DATA_SCIENTIST", ["read", "runs:write"]);
  const run = await callApi("POST", "/runs", {
    token: given.secret,
    json: { experimentName: uniqueName("artifacts") },
  });
  return { ...given, runId: run.json.id as string };
}

function upload(
  token: string,
  runId: string,
  path: string,
  body: BodyInit,
  headers: Record<string, string> = { "content-type": "application/octet-stream" },
) {
  return callApi("POST", `/runs/${runId}/artifacts?path=${encodeURIComponent(path)}`, { token, body, headers });
}

describe("artifact upload and download (REST)", () => {
  it("streams an upload into the content-addressed store and back out", async () => {
    const { secret, runId } = await runWithToken();
    const bytes = bytesOf(50_000);
    const uploaded = await upload(secret, runId, "model/model.onnx", chunked(bytes));
    expect(uploaded.status).toBe(201);
    expect(uploaded.json).toMatchObject({
      runId,
      path: "model/model.onnx",
      sizeBytes: 50_000,
      sha256: sha256(bytes),
      contentType: "application/octet-stream",
    });
    const hash = sha256(bytes);
    expect(await artifactFiles()).toContain(
      `${process.env.ARTIFACT_ROOT}/sha256/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`,
    );

    const download = await callApi("GET", `/artifacts/${uploaded.json.id as string}/content`, { token: secret });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/octet-stream");
    expect(download.headers.get("content-length")).toBe("50000");
    expect(download.headers.get("x-artifact-size")).toBe("50000");
    expect(download.headers.get("x-artifact-sha256")).toBe(hash);
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename="model.onnx"; filename*=UTF-8''model.onnx`,
    );
    const raw = await fetchBytes(secret, uploaded.json.id as string);
    expect(sha256(raw)).toBe(hash);

    const run = await callApi("GET", `/runs/${runId}`, { token: secret });
    expect(run.json.artifacts).toEqual([
      expect.objectContaining({ path: "model/model.onnx", sizeBytes: 50_000, sha256: hash }),
    ]);
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: uploaded.json.id as string } });
    expect(audit).toMatchObject({
      action: "artifact.create",
      after: expect.objectContaining({ path: "model/model.onnx", sizeBytes: 50_000 }),
    });
  });

  it("stores identical bytes once, keeps the uploader's content type, and allows empty files", async () => {
    const { secret, runId } = await runWithToken();
    const bytes = bytesOf(10_000, 7);
    const first = await upload(secret, runId, "a.png", bytes, { "content-type": "image/png" });
    const filesAfterFirst = await artifactFiles();
    const second = await upload(secret, runId, "copy/a.png", bytes);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json.sha256).toBe(first.json.sha256);
    expect(first.json.contentType).toBe("image/png");
    expect(await artifactFiles()).toEqual(filesAfterFirst);
    expect(await db().artifact.count({ where: { sha256: first.json.sha256 as string } })).toBe(2);
    const empty = await upload(secret, runId, "empty.txt", new Uint8Array(0), { "content-type": "text/plain" });
    expect(empty.json).toMatchObject({ sizeBytes: 0, sha256: sha256(new Uint8Array(0)) });
  });

  it("refuses an upload over the size limit (413) with no row and no file, streamed or declared", async () => {
    const { secret, runId } = await runWithToken();
    const filesBefore = await artifactFiles();
    const before = await tableCounts();
    const streamed = await upload(secret, runId, "big.bin", chunked(bytesOf(MAX_BYTES + 1)));
    expect(streamed.status).toBe(413);
    expect(streamed.json.error?.message).toBe("Artifact exceeds the 64 KiB limit");
    const declared = await upload(secret, runId, "big.bin", bytesOf(MAX_BYTES + 10), {
      "content-type": "application/octet-stream",
      "content-length": String(MAX_BYTES + 10),
    });
    expect(declared.status).toBe(413);
    expect(await tableCounts()).toEqual(before);
    expect(await artifactFiles()).toEqual(filesBefore);
    expect((await upload(secret, runId, "exact.bin", bytesOf(MAX_BYTES))).status).toBe(201);
  });

  it("refuses bad paths (400), a second upload to the same path (409), forms (415) and unknown runs (404)", async () => {
    const { secret, runId } = await runWithToken();
    expect((await upload(secret, runId, "model.onnx", bytesOf(10))).status).toBe(201);
    const filesBefore = await artifactFiles();
    const before = await tableCounts();
    const cases: [string, number, string | RegExp][] = [
      ["../escape.bin", 400, `Invalid artifact path "../escape.bin": must not contain ".." segments`],
      ["a/../../b", 400, /must not contain "\.\." segments/],
      ["/etc/passwd", 400, /must be relative/],
      ["x".repeat(513), 400, /at most 512 characters/],
      ["model.onnx", 409, 'This run already has an artifact at "model.onnx"'],
    ];
    for (const [path, status, message] of cases) {
      const response = await upload(secret, runId, path, bytesOf(100));
      expect(response.status, path).toBe(status);
      if (typeof message === "string") expect(response.json.error?.message).toBe(message);
      else expect(response.json.error?.message).toMatch(message);
    }
    const form = await upload(secret, runId, "form.bin", "--x\r\n", {
      "content-type": "multipart/form-data; boundary=x",
    });
    expect(form.status).toBe(415);
    const missingPath = await callApi("POST", `/runs/${runId}/artifacts`, {
      token: secret,
      body: bytesOf(5),
      headers: { "content-type": "application/octet-stream" },
    });
    expect(missingPath.status).toBe(400);
    const unknownRun = await upload(secret, "nope", "a.bin", bytesOf(5));
    expect(unknownRun).toMatchObject({ status: 404, json: { error: { message: "Run not found" } } });
    expect(await tableCounts()).toEqual(before);
    expect(await artifactFiles()).toEqual(filesBefore);
  });

  it("needs the runs:write scope and a writer's role to upload; read to download", async () => {
    const { secret, runId, user } = await runWithToken();
    const readOnly = await givenToken("DATA_SCIENTIST", ["read"]);
    expect((await upload(readOnly.secret, runId, "x.bin", bytesOf(5))).status).toBe(403);
    await db().user.update({ where: { id: user.id }, data: { role: "VIEWER" } });
    expect((await upload(secret, runId, "x.bin", bytesOf(5))).status).toBe(403);
    expect((await callApi("GET", "/artifacts/nope/content", { token: readOnly.secret })).status).toBe(404);
    expect((await callApi("GET", "/artifacts/nope/content")).status).toBe(401);
  });

  it("lets the service reject a too-large stream without leaving a temporary file", async () => {
    const { ctx } = await givenUser("DATA_SCIENTIST");
    const run = await callApi("POST", "/runs", {
      token: (await givenToken("DATA_SCIENTIST", ["runs:write"])).secret,
      json: { experimentName: uniqueName("svc") },
    });
    const filesBefore = await artifactFiles();
    await expect(
      uploadArtifact(ctx, { runId: run.json.id as string, path: "big.bin", body: chunked(bytesOf(MAX_BYTES * 2)) }),
    ).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(await artifactFiles()).toEqual(filesBefore);
  });
});

async function fetchBytes(token: string, artifactId: string): Promise<Uint8Array> {
  const { handle } = await import("@/tests/integration/rest-handler");
  const response = await handle(
    new Request(`http://localhost/api/v1/artifacts/${artifactId}/content`, {
      headers: { authorization: `Bearer ${token}` },
    }),
  );
  return new Uint8Array(await response.arrayBuffer());
}

describe("artifact download in the browser (session)", () => {
  beforeEach(() => vi.mocked(currentUser).mockReset());

  it("401 when signed out", async () => {
    vi.mocked(currentUser).mockResolvedValue(null);
    const response = await browserDownload(new Request("http://localhost/api/artifacts/x"), {
      params: Promise.resolve({ artifactId: "x" }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: "UNAUTHORIZED", message: "Sign in to download artifacts" },
    });
  });

  it("streams the file with its headers to any signed-in person, 404 for unknown ids", async () => {
    const { secret, runId } = await runWithToken();
    const bytes = bytesOf(3000, 3);
    const uploaded = await upload(secret, runId, "reports/résumé.html", bytes, { "content-type": "text/html" });
    const viewer = await givenUser("VIEWER");
    vi.mocked(currentUser).mockResolvedValue(
      await db().user.findUniqueOrThrow({ where: { id: viewer.user.id }, include: { team: true } }),
    );
    const id = uploaded.json.id as string;
    const response = await browserDownload(new Request(`http://localhost/api/artifacts/${id}`), {
      params: Promise.resolve({ artifactId: id }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html");
    expect(response.headers.get("content-length")).toBe("3000");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="r_sum_.html"; filename*=UTF-8''r%C3%A9sum%C3%A9.html`,
    );
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
    const missing = await browserDownload(new Request("http://localhost/api/artifacts/nope"), {
      params: Promise.resolve({ artifactId: "nope" }),
    });
    expect(missing.status).toBe(404);
  });
});
