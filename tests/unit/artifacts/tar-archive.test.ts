import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ArchiveError, readTarArchive } from "@/server/services/artifacts/tar-archive";
import { tarArchive } from "@/training/tar";

/** The bytes as a stream of chunks of `size` bytes, as a store or an upload would deliver them. */
function streamOf(bytes: Uint8Array, size = 100): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

const files = [
  { path: "config.json", content: '{"model_type": "qwen2"}' },
  { path: "weights/part-1.bin", content: new Uint8Array(1500).fill(7) },
];

/** A tar header for `name` with a valid checksum (the writer refuses unsafe names, so tests forge them). */
function forgedArchive(name: string, type = "0", linkName = ""): Uint8Array {
  const archive = tarArchive([{ path: "x", content: "" }], { gzip: false });
  const header = archive.subarray(0, 512);
  header.fill(0, 0, 100);
  header.set(new TextEncoder().encode(name), 0);
  header[156] = type.charCodeAt(0);
  header.set(new TextEncoder().encode(linkName), 157);
  header.fill(0x20, 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, "0")}\0 `), 148);
  return archive;
}

const reasonOf = async (bytes: Uint8Array) => {
  const error = await readTarArchive(streamOf(bytes)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ArchiveError);
  return (error as ArchiveError).message;
};

describe("readTarArchive", () => {
  it.each([false, true])(
    "reads a tar archive (gzip %s) to its end, counting files and keeping those asked for",
    async (gzip) => {
      for (const chunk of [1, 100, 100_000]) {
        const summary = await readTarArchive(streamOf(tarArchive(files, { gzip }), chunk), {
          keep: (path) => path === "config.json",
        });
        expect(summary.gzip).toBe(gzip);
        expect(summary.fileCount).toBe(2);
        expect([...summary.kept.keys()]).toEqual(["config.json"]);
        expect(new TextDecoder().decode(summary.kept.get("config.json"))).toBe('{"model_type": "qwen2"}');
      }
    },
  );

  it("does not keep a file over the size limit", async () => {
    const summary = await readTarArchive(streamOf(tarArchive(files, { gzip: false })), {
      keep: () => true,
      maxKeptBytes: 100,
    });
    expect([...summary.kept.keys()]).toEqual(["config.json"]);
  });

  it("refuses what is not a tar archive: empty bytes, JSON, a gzipped JSON", async () => {
    expect(await reasonOf(new Uint8Array(0))).toBe("is empty");
    expect(await reasonOf(new TextEncoder().encode('{"model": "card"}'))).toBe("is not a tar archive");
    expect(await reasonOf(new Uint8Array(gzipSync(Buffer.alloc(2048, 65))))).toBe("is not a tar archive");
  });

  it("refuses truncated archives and corrupt gzip data", async () => {
    const plain = tarArchive(files, { gzip: false });
    expect(await reasonOf(plain.subarray(0, 2000))).toBe('ends in the middle of "weights/part-1.bin"');
    expect(await reasonOf(plain.subarray(0, plain.length - 1024))).toMatch(/end-of-archive marker/);
    const gzipped = tarArchive(files, { gzip: true });
    expect(await reasonOf(gzipped.subarray(0, gzipped.length - 4))).toMatch(/^is not valid gzip data/);
    const corrupt = gzipped.slice();
    corrupt[corrupt.length - 6]! ^= 0xff;
    expect(await reasonOf(corrupt)).toMatch(/^is not valid gzip data/);
  });

  it("refuses a damaged header after the first entry", async () => {
    const archive = tarArchive(files, { gzip: false });
    archive[1024 + 10] = 0x41;
    expect(await reasonOf(archive)).toBe('has a damaged tar header after "config.json"');
  });

  it("refuses entries and links that point outside the archive, and device files", async () => {
    expect(await reasonOf(forgedArchive("../etc/passwd"))).toMatch(/entry "..\/etc\/passwd", which points outside/);
    expect(await reasonOf(forgedArchive("/etc/passwd"))).toMatch(/points outside/);
    expect(await reasonOf(forgedArchive("model/link", "2", "../../secret"))).toMatch(/a link .* points outside/);
    expect(await reasonOf(forgedArchive("dev/sda", "4"))).toMatch(/a device or FIFO/);
    await expect(readTarArchive(streamOf(forgedArchive("./model/../weights.bin")))).resolves.toMatchObject({
      fileCount: 1,
    });
  });
});
