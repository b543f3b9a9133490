import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DeleteObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";
import { S3ArtifactStore } from "@/server/services/artifacts/s3-artifact-store";
import { s3ArtifactClient } from "@/server/services/artifacts/store";
import { startLocalS3 } from "@/tests/integration/support/local-s3";

// One contract for both artifact stores — content addressed, streamed, size-limited, never a partial blob, ranges, every
// whole read verified, a local file for runtimes that load from disk — run against the local directory store and the
// S3 store on a real S3-compatible server (s3rver) in this process; then what only S3 has (temporary keys).
const BUCKET = "modelport-artifacts";
const MiB = 1024 * 1024;
let s3: Awaited<ReturnType<typeof startLocalS3>>;
let cache: string;
let root: string;
let store: S3ArtifactStore;
let local: LocalArtifactStore;

beforeAll(async () => {
  s3 = await startLocalS3(BUCKET);
  cache = await mkdtemp(path.join(tmpdir(), "modelport-artifact-cache-"));
  root = await mkdtemp(path.join(tmpdir(), "modelport-artifact-root-"));
  local = new LocalArtifactStore(root);
  const client = s3ArtifactClient({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  store = new S3ArtifactStore(client, { bucket: BUCKET, prefix: "mp/", cacheDirectory: cache, partSizeBytes: 5 * MiB });
});

afterAll(async () => {
  await s3?.stop();
  await rm(cache, { recursive: true, force: true });
  await rm(root, { recursive: true, force: true });
});

/** Deterministic bytes of a given size, sent in uneven chunks as a browser upload would be. */
function bytes(size: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed * 7) % 251));
}

function streamOf(data: Buffer, chunk = 64 * 1024 + 7): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) return controller.close();
      controller.enqueue(new Uint8Array(data.subarray(offset, offset + chunk)));
      offset += chunk;
    },
  });
}

const sha256Of = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const readAll = async (stream: ReadableStream<Uint8Array>) => Buffer.from(await new Response(stream).arrayBuffer());

async function keys(prefix = "") {
  const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key);
}

type Harness = {
  store: () => ArtifactStore;
  /** Replaces a stored blob's bytes behind the store's back. */
  tamper: (sha256: string, bytes: Buffer) => Promise<void>;
  /** Removes a stored blob behind the store's back. */
  remove: (sha256: string) => Promise<void>;
  /** Where the store's downloads are kept (none for the local store, whose files are the blobs). */
  cacheDirectory: () => string | null;
};

const HARNESSES: Record<string, Harness> = {
  local: {
    store: () => local,
    tamper: async (sha256, data) => {
      await mkdir(path.dirname(local.blobPath(sha256)), { recursive: true });
      await writeFile(local.blobPath(sha256), data);
    },
    remove: (sha256) => rm(local.blobPath(sha256)),
    cacheDirectory: () => null,
  },
  s3: {
    store: () => store,
    tamper: async (sha256, data) => {
      await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: store.key(sha256) }));
      await s3.put(store.key(sha256), data.toString("latin1"));
    },
    remove: async (sha256) => {
      await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: store.key(sha256) }));
    },
    cacheDirectory: () => cache,
  },
};

describe.each(Object.keys(HARNESSES))("the %s artifact store", (kind) => {
  const harness = HARNESSES[kind]!;

  it("stores bytes under their digest and streams them back whole; the same bytes again add nothing", async () => {
    const data = bytes(6 * MiB + 3, 7);
    const stored = await harness.store().put(streamOf(data), { maxBytes: 20 * MiB });
    expect(stored).toEqual({ sha256: sha256Of(data), sizeBytes: data.length });
    expect(await harness.store().exists(stored.sha256)).toBe(true);
    expect(await harness.store().size(stored.sha256)).toBe(data.length);
    expect((await readAll(await harness.store().get(stored.sha256))).equals(data)).toBe(true);
    expect(await harness.store().put(streamOf(data, 1000 * 1000), { maxBytes: 20 * MiB })).toEqual(stored);
  });

  it("stores an empty artifact", async () => {
    const stored = await harness.store().put(streamOf(Buffer.alloc(0)), { maxBytes: 10 });
    expect(stored).toEqual({ sha256: sha256Of(Buffer.alloc(0)), sizeBytes: 0 });
    expect((await readAll(await harness.store().get(stored.sha256))).length).toBe(0);
    await expect(harness.store().getRange(stored.sha256, { start: 0, end: 0 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("refuses an upload over the limit, storing nothing", async () => {
    const data = bytes(6 * MiB, 8);
    await expect(harness.store().put(streamOf(data), { maxBytes: 5 * MiB })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    expect(await harness.store().exists(sha256Of(data))).toBe(false);
  });

  it("reads byte ranges, and refuses ranges outside the blob", async () => {
    const data = bytes(100_000, 4);
    const { sha256 } = await harness.store().put(streamOf(data), { maxBytes: MiB });
    const read = async (start: number, end: number) => readAll(await harness.store().getRange(sha256, { start, end }));
    // (Not "bytes=0-0": s3rver reads an end of 0 as "to the end", unlike S3.)
    expect((await read(0, 9)).equals(data.subarray(0, 10))).toBe(true);
    expect((await read(4_096, 70_000)).equals(data.subarray(4_096, 70_001))).toBe(true);
    expect((await read(99_990, 99_999)).equals(data.subarray(99_990))).toBe(true);
    for (const [start, end] of [
      [0, 100_000],
      [10, 9],
      [-1, 5],
    ])
      await expect(harness.store().getRange(sha256, { start: start!, end: end! })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
  });

  it("answers NOT_FOUND for a missing blob, and refuses a name that is not a digest", async () => {
    const missing = sha256Of(Buffer.from(`never stored in ${kind}`));
    expect(await harness.store().exists(missing)).toBe(false);
    expect(await harness.store().size(missing)).toBeUndefined();
    await expect(harness.store().get(missing)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(harness.store().getRange(missing, { start: 0, end: 1 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(harness.store().localFile(missing)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(harness.store().get("../../etc/passwd")).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(harness.store().localFile("../../etc/passwd")).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("fails a whole read whose bytes no longer match the digest", async () => {
    const data = bytes(300_000, 5);
    const { sha256 } = await harness.store().put(streamOf(data), { maxBytes: MiB });
    const tampered = Buffer.from(data);
    tampered[150_000] = (tampered[150_000]! + 1) % 256;
    await harness.tamper(sha256, tampered);
    await expect(readAll(await harness.store().get(sha256))).rejects.toThrow(/is corrupt/);
    const cacheDirectory = harness.cacheDirectory();
    if (cacheDirectory) {
      await expect(harness.store().localFile(sha256)).rejects.toThrow(/is corrupt/);
      expect(await readdir(cacheDirectory, { recursive: true })).not.toContainEqual(expect.stringContaining(sha256));
    }
  });

  it("gives a local file with the blob's bytes for runtimes that load from disk", async () => {
    const data = bytes(2 * MiB + 11, 6);
    const { sha256 } = await harness.store().put(streamOf(data), { maxBytes: 4 * MiB });
    const file = await harness.store().localFile(sha256);
    expect((await readFile(file)).equals(data)).toBe(true);
    expect(await harness.store().localFile(sha256)).toBe(file);
  });
});

describe("the S3 artifact store", () => {
  it("uploads in parts to a temporary key, copies to the digest's key, and leaves no temporary key", async () => {
    const before = await keys("mp/");
    const data = bytes(12 * MiB + 3, 1);
    const stored = await store.put(streamOf(data), { maxBytes: 20 * MiB });
    expect(stored).toEqual({ sha256: sha256Of(data), sizeBytes: data.length });
    expect((await readAll(await store.get(stored.sha256))).equals(data)).toBe(true);
    expect(await keys("mp/tmp/")).toEqual([]);
    expect(await keys("mp/")).toEqual([...before, store.key(stored.sha256)].sort());
    // The same bytes again: the same blob, nothing added.
    expect(await store.put(streamOf(data, 1000 * 1000), { maxBytes: 20 * MiB })).toEqual(stored);
    expect(await keys("mp/")).toEqual([...before, store.key(stored.sha256)].sort());
  });

  it("refuses an upload over the limit and leaves nothing behind", async () => {
    const before = await keys();
    await expect(store.put(streamOf(bytes(11 * MiB, 2)), { maxBytes: 10 * MiB })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    await expect(store.put(streamOf(bytes(1000, 3)), { maxBytes: 999 })).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    expect(await keys()).toEqual(before);
  });

  it("keeps a verified download for runtimes that load from disk, reused once downloaded", async () => {
    const data = bytes(2 * MiB + 11, 6);
    const { sha256 } = await store.put(streamOf(data), { maxBytes: 4 * MiB });
    const file = await store.localFile(sha256);
    expect((await readFile(file)).equals(data)).toBe(true);
    // Once cached, the bucket is not read again.
    await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: store.key(sha256) }));
    expect(await store.localFile(sha256)).toBe(file);
    expect((await readdir(path.dirname(file))).filter((name) => name.endsWith(".part"))).toEqual([]);
  });
});
