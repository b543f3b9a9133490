import path from "node:path";
import { ByteReader } from "@/server/services/artifacts/byte-reader";

/** Why bytes are not a usable tar archive; the message completes "The artifact …". */
export class ArchiveError extends Error {
  override name = "ArchiveError";
}

export type TarSummary = {
  gzip: boolean;
  /** How many regular files the archive holds. */
  fileCount: number;
  /** The content of each regular file `keep` asked for, by its path inside the archive ("./" dropped). */
  kept: Map<string, Uint8Array>;
  /** The total size of the regular files `measure` selected. */
  measuredBytes: number;
};

type TarOptions = { keep?: (path: string) => boolean; maxKeptBytes?: number; measure?: (path: string) => boolean };

const BLOCK = 512;
const MAX_EXTENDED_HEADER_BYTES = 1024 * 1024;
const decoder = new TextDecoder();

type Header = { name: string; linkName: string; size: number; type: string };

const isZero = (block: Uint8Array) => block.every((byte) => byte === 0);

function text(block: Uint8Array, offset: number, length: number): string {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return decoder.decode(end === -1 ? field : field.subarray(0, end));
}

function octal(block: Uint8Array, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length);
  if ((field[0] ?? 0) & 0x80) {
    // GNU base-256 for sizes over 8 GiB: big-endian, the top bit of the first byte only marks the encoding.
    return field.reduce((value, byte, i) => value * 256 + (i === 0 ? byte & 0x7f : byte), 0);
  }
  const digits = text(block, offset, length).trim();
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : NaN;
}

function checksumMatches(block: Uint8Array): boolean {
  const stored = octal(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  block.forEach((byte, i) => {
    const value = i >= 148 && i < 156 ? 0x20 : byte;
    unsigned += value;
    signed += value > 127 ? value - 256 : value;
  });
  return stored === unsigned || stored === signed;
}

function parseHeader(block: Uint8Array): Header | undefined {
  if (!checksumMatches(block)) return undefined;
  const size = octal(block, 124, 12);
  if (!Number.isSafeInteger(size)) return undefined;
  const ustar = text(block, 257, 6).startsWith("ustar");
  const prefix = ustar ? text(block, 345, 155) : "";
  const name = text(block, 0, 100);
  return {
    name: prefix ? `${prefix}/${name}` : name,
    linkName: text(block, 157, 100),
    size,
    type: String.fromCharCode(block[156] || 0x30),
  };
}

/** The path and link path records of a pax extended header ("<length> <key>=<value>\n" records). */
function paxRecords(body: Uint8Array): Record<string, string> {
  const records: Record<string, string> = {};
  for (const line of decoder.decode(body).split("\n")) {
    const match = /^\d+ ([^=]+)=(.*)$/.exec(line);
    if (match?.[1]) records[match[1]] = match[2] ?? "";
  }
  return records;
}

/** The path inside the archive, or an error for one that would land outside the directory it is unpacked into. */
function safePath(name: string, description: string): string {
  const normalized = path.posix.normalize(name);
  if (name.startsWith("/") || normalized === ".." || normalized.startsWith("../")) {
    throw new ArchiveError(`holds ${description} "${name}", which points outside the archive`);
  }
  return normalized.replace(/^\.\//, "").replace(/\/$/, "");
}

function checkLink(header: Header, entryPath: string) {
  if (header.type === "2") safePath(path.posix.join(path.posix.dirname(entryPath), header.linkName), "a link");
  if (header.type === "1") safePath(header.linkName, "a link");
}

async function readBody(bytes: ByteReader, header: Header, what: string): Promise<Uint8Array> {
  const body = await bytes.read(header.size);
  if (body.length < header.size) throw new ArchiveError(`ends in the middle of ${what}`);
  await bytes.skip((BLOCK - (header.size % BLOCK)) % BLOCK);
  return body;
}

async function skipBody(bytes: ByteReader, size: number, what: string) {
  const padded = Math.ceil(size / BLOCK) * BLOCK;
  if ((await bytes.skip(padded)) < size) throw new ArchiveError(`ends in the middle of ${what}`);
}

/** Walks every entry of a tar stream to the end-of-archive blocks. */
async function walkEntries(bytes: ByteReader, options: TarOptions, summary: TarSummary) {
  let overrides: { name?: string; linkName?: string } = {};
  let previous: string | undefined;
  for (;;) {
    const block = await bytes.read(BLOCK);
    if (block.length === 0 && previous === undefined) throw new ArchiveError("is empty");
    if (block.length < BLOCK && previous === undefined) throw new ArchiveError("is not a tar archive");
    if (block.length < BLOCK) throw new ArchiveError("ends before its end-of-archive marker (is it truncated?)");
    if (isZero(block)) return;
    const parsed = parseHeader(block);
    if (!parsed) {
      throw new ArchiveError(
        previous === undefined ? "is not a tar archive" : `has a damaged tar header after "${previous}"`,
      );
    }
    if (parsed.size > MAX_EXTENDED_HEADER_BYTES && "xgLK".includes(parsed.type)) {
      throw new ArchiveError("has an oversized extended header");
    }
    if (parsed.type === "x" || parsed.type === "g") {
      const records = paxRecords(await readBody(bytes, parsed, "an extended header"));
      if (parsed.type === "x") overrides = { name: records.path, linkName: records.linkpath };
      continue;
    }
    if (parsed.type === "L" || parsed.type === "K") {
      const value = text(await readBody(bytes, parsed, "a long name"), 0, parsed.size);
      overrides = parsed.type === "L" ? { ...overrides, name: value } : { ...overrides, linkName: value };
      continue;
    }
    const header = { ...parsed, name: overrides.name ?? parsed.name, linkName: overrides.linkName ?? parsed.linkName };
    overrides = {};
    previous = header.name;
    await visitEntry(bytes, header, options, summary);
  }
}

async function visitEntry(bytes: ByteReader, header: Header, options: TarOptions, summary: TarSummary) {
  const entryPath = safePath(header.name, "an entry");
  checkLink(header, entryPath);
  if ("346".includes(header.type)) throw new ArchiveError(`holds "${header.name}", a device or FIFO`);
  const regular = header.type === "0" || header.type === "7";
  if (regular) summary.fileCount++;
  if (regular && options.measure?.(entryPath) === true) summary.measuredBytes += header.size;
  const wanted = regular && options.keep?.(entryPath) === true;
  if (wanted && header.size <= (options.maxKeptBytes ?? 1024 * 1024)) {
    summary.kept.set(entryPath, await readBody(bytes, header, `"${header.name}"`));
    return;
  }
  await skipBody(bytes, header.size, `"${header.name}"`);
}

/** Whether the stream starts like gzip (1f 8b), and the whole stream again. */
async function sniff(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const first: Uint8Array[] = [];
  let length = 0;
  while (length < 2) {
    const { done, value } = await reader.read();
    if (done) break;
    first.push(value);
    length += value.length;
  }
  const head = first.flatMap((chunk) => [...chunk.subarray(0, 2)]);
  const whole = new ReadableStream<Uint8Array>({
    start: (controller) => first.forEach((chunk) => controller.enqueue(chunk)),
    pull: async (controller) => {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { gzip: head[0] === 0x1f && head[1] === 0x8b, whole };
}

/** zlib's complaint about corrupt or truncated gzip data (Z_DATA_ERROR, Z_BUF_ERROR, …) as an ArchiveError. */
function asArchiveError(error: unknown): unknown {
  const zlibError = error instanceof Error && "code" in error && String(error.code).startsWith("Z_");
  return zlibError ? new ArchiveError(`is not valid gzip data (${error.message})`) : error;
}

/**
 * Reads a tar archive, plain or gzip-compressed, through to its end: every header must be intact, no entry may point
 * outside the directory it is unpacked into, and compressed data must pass gzip's own check at the end. Keeps the
 * files `keep` selects (up to `maxKeptBytes` each, 1 MiB by default). Throws ArchiveError for anything else.
 */
export async function readTarArchive(
  stream: ReadableStream<Uint8Array>,
  options: TarOptions = {},
): Promise<TarSummary> {
  const { gzip, whole } = await sniff(stream);
  const source = gzip
    ? whole.pipeThrough(new DecompressionStream("gzip") as ReadableWritablePair<Uint8Array, Uint8Array>)
    : whole;
  const bytes = new ByteReader(source.getReader());
  const summary: TarSummary = { gzip, fileCount: 0, kept: new Map(), measuredBytes: 0 };
  try {
    await walkEntries(bytes, options, summary);
    if (gzip) await bytes.drain();
    else await bytes.cancel();
  } catch (error) {
    await bytes.cancel().catch(() => undefined);
    throw asArchiveError(error);
  }
  return summary;
}
