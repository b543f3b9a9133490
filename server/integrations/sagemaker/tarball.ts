const BLOCK = 512;
/** ustar's size field holds 11 octal digits. */
const MAX_ENTRY_BYTES = 8 ** 11 - 1;
const MAX_NAME_BYTES = 100;

function writeField(header: Buffer, offset: number, length: number, value: string) {
  header.write(value, offset, length, "ascii");
}

const octal = (value: number, digits: number) => `${value.toString(8).padStart(digits, "0")}\0`;

/**
 * The ustar header of one regular file. Every field that could vary between machines or runs (mtime, owner, group,
 * user and group names) is zero or empty, so the same file always gives the same bytes.
 */
export function ustarHeader(name: string, size: number): Buffer {
  if (Buffer.byteLength(name) > MAX_NAME_BYTES || name.includes("/"))
    throw new Error(`A tarball entry name is a plain file name of at most ${MAX_NAME_BYTES} bytes (got "${name}")`);
  if (!Number.isInteger(size) || size < 0 || size > MAX_ENTRY_BYTES)
    throw new Error(`A tarball entry holds at most ${MAX_ENTRY_BYTES} bytes (got ${size})`);
  const header = Buffer.alloc(BLOCK);
  writeField(header, 0, MAX_NAME_BYTES, name);
  writeField(header, 100, 8, octal(0o644, 7));
  writeField(header, 108, 8, octal(0, 7));
  writeField(header, 116, 8, octal(0, 7));
  writeField(header, 124, 12, octal(size, 11));
  writeField(header, 136, 12, octal(0, 11));
  writeField(header, 148, 8, " ".repeat(8));
  writeField(header, 156, 1, "0");
  writeField(header, 257, 6, "ustar\0");
  writeField(header, 263, 2, "00");
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  writeField(header, 148, 8, `${checksum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

/** The bytes after the content: padding to a whole block, then the two empty blocks that end an archive. */
export function ustarTrailer(size: number): Buffer {
  return Buffer.alloc(((BLOCK - (size % BLOCK)) % BLOCK) + 2 * BLOCK);
}

/** A tar archive holding `content` (exactly `size` bytes) as the single file `name`. */
export async function* singleFileTar(
  name: string,
  size: number,
  content: AsyncIterable<Buffer | Uint8Array>,
): AsyncGenerator<Buffer> {
  yield ustarHeader(name, size);
  let written = 0;
  for await (const chunk of content) {
    written += chunk.byteLength;
    yield Buffer.from(chunk);
  }
  if (written !== size) throw new Error(`Expected ${size} bytes for ${name} in the tarball, read ${written}`);
  yield ustarTrailer(size);
}
