import { gzipSync } from "node:zlib";

export type TarFile = { path: string; content: Uint8Array | string };

const BLOCK = 512;
const encoder = new TextEncoder();

function writeField(header: Uint8Array, offset: number, length: number, value: string) {
  const bytes = encoder.encode(value);
  if (bytes.length > length) throw new Error(`"${value}" does not fit a ${length}-byte tar header field`);
  header.set(bytes, offset);
}

const octal = (value: number, digits: number) => value.toString(8).padStart(digits, "0");

function header(path: string, size: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  writeField(block, 0, 100, path);
  writeField(block, 100, 8, "0000644");
  writeField(block, 108, 8, "0000000");
  writeField(block, 116, 8, "0000000");
  writeField(block, 124, 12, octal(size, 11));
  writeField(block, 136, 12, octal(0, 11));
  writeField(block, 148, 8, "        ");
  writeField(block, 156, 1, "0");
  writeField(block, 257, 6, "ustar");
  writeField(block, 263, 2, "00");
  const checksum = block.reduce((sum, byte) => sum + byte, 0);
  writeField(block, 148, 8, `${octal(checksum, 6)}\0 `);
  return block;
}

/**
 * A POSIX ustar archive of regular files (mode 0644, owner 0, mtime 0, so the same files always give the same bytes),
 * gzip-compressed when asked. Enough for the demo's model archives and for tests; paths must fit 100 bytes.
 */
export function tarArchive(files: TarFile[], options: { gzip: boolean }): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const file of files) {
    const content = typeof file.content === "string" ? encoder.encode(file.content) : file.content;
    parts.push(header(file.path, content.length), content);
    const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (padding > 0) parts.push(new Uint8Array(padding));
  }
  parts.push(new Uint8Array(2 * BLOCK));
  const archive = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    archive.set(part, offset);
    offset += part.length;
  }
  return options.gzip ? new Uint8Array(gzipSync(archive)) : archive;
}
