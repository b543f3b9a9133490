import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { constants, createGzip } from "node:zlib";
import type { ArtifactSource, UploadBody } from "@/server/integrations/sagemaker/model-artifacts";
import { singleFileTar } from "@/server/integrations/sagemaker/tarball";

/** Fixed, so the same artifact always packs to the same bytes (with the same zlib). */
const GZIP_OPTIONS = { level: constants.Z_BEST_COMPRESSION, memLevel: 8, windowBits: 15 };

function measuring(hash: ReturnType<typeof createHash>, counted: { bytes: number }) {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      counted.bytes += chunk.byteLength;
      done(null, chunk);
    },
  });
}

/**
 * Packs one artifact into a deterministic model.tar.gz holding it as `entryName`, in a temporary file, and hands
 * `upload` its size, sha256 and a way to stream it (S3 needs both before the first byte goes up). The file is removed
 * afterwards, whatever happens.
 */
export async function packedTarball<T>(
  source: ArtifactSource,
  sha256: string,
  size: number,
  entryName: string,
  upload: (body: UploadBody) => Promise<T>,
): Promise<T> {
  const directory = await mkdtemp(path.join(tmpdir(), "modelport-tarball-"));
  try {
    const file = path.join(directory, "model.tar.gz");
    const hash = createHash("sha256");
    const counted = { bytes: 0 };
    await pipeline(
      await source.open(sha256),
      (content: AsyncIterable<Buffer>) => singleFileTar(entryName, size, content),
      createGzip(GZIP_OPTIONS),
      measuring(hash, counted),
      createWriteStream(file),
    );
    const packedSha256 = hash.digest("hex");
    return await upload({ size: counted.bytes, sha256: packedSha256, open: async () => createReadStream(file) });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
