const EMPTY = Buffer.alloc(0);

/**
 * A growing byte buffer that captured requests are written into as they come, so a batch waiting for the flusher is
 * bytes outside the JavaScript heap: nothing for the young-generation collections to copy while it lingers, no string
 * to flatten or encode when it is sent. Arenas are reused (ArenaPool): allocating fresh external memory for every
 * batch made V8 run a full collection every few hundred milliseconds under load.
 */
export class ByteArena {
  private buffer = EMPTY;
  length = 0;

  /** Memory is taken at the first write: `initialBytes`, then doubled as needed. */
  constructor(private readonly initialBytes = 4 * 1024) {}

  get capacity(): number {
    return this.buffer.length;
  }

  private reserve(extra: number) {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.buffer.length * 2, this.initialBytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  /** Text known to be ASCII and short (numbers, punctuation): copied code by code, cheaper than an encoder call. */
  writeAscii(text: string) {
    this.reserve(text.length);
    const { buffer } = this;
    let at = this.length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
  }

  /** A non-negative integer in decimal, written digit by digit (no string made for it). */
  writeInteger(value: number) {
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.reserve(digits);
    const { buffer } = this;
    let rest = value;
    for (let at = this.length + digits - 1; at >= this.length; at--) {
      buffer[at] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    }
    this.length += digits;
  }

  /** A non-negative number of thousandths as a decimal with three places: 1234 → `1.234`. */
  writeThousandths(value: number) {
    this.writeInteger(Math.floor(value / 1000));
    this.reserve(4);
    const { buffer } = this;
    const fraction = value % 1000;
    buffer[this.length] = 46;
    buffer[this.length + 1] = 48 + Math.floor(fraction / 100);
    buffer[this.length + 2] = 48 + (Math.floor(fraction / 10) % 10);
    buffer[this.length + 3] = 48 + (fraction % 10);
    this.length += 4;
  }

  writeText(text: string) {
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length, "utf8");
  }

  /** The bytes from `start` on. */
  writeBytes(bytes: Uint8Array, start = 0) {
    const count = bytes.length - start;
    this.reserve(count);
    this.buffer.set(start === 0 ? bytes : bytes.subarray(start), this.length);
    this.length += count;
  }

  /** Forgets everything written after `length` bytes (the arena keeps its memory). */
  truncate(length: number) {
    this.length = Math.min(this.length, length);
  }

  /** The bytes written so far (a view: valid until the arena is written to, truncated or released). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/** Arenas larger than this are let go when released instead of kept (a full batch needs about 1 MiB). */
const MAX_KEPT_BYTES = 2 * 1024 * 1024;

/**
 * Released arenas, kept (at most `maxKept`, emptied) for the next batches: at most 8 × 2 MiB held idle. Arenas start
 * small and double, so a group with a few rows holds kilobytes, and the memory of a batch is at most about twice the
 * bytes written into it (what the buffer's byte bound counts).
 */
export class ArenaPool {
  private readonly free: ByteArena[] = [];

  constructor(private readonly maxKept = 8) {}

  get(): ByteArena {
    return this.free.pop() ?? new ByteArena();
  }

  release(arena: ByteArena) {
    arena.truncate(0);
    if (this.free.length < this.maxKept && arena.capacity <= MAX_KEPT_BYTES) this.free.push(arena);
  }
}
