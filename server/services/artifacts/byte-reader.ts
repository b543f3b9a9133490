/** Reads a byte stream in pieces of the sizes asked for, whatever sizes its chunks come in. */
export class ByteReader {
  private chunk: Uint8Array = new Uint8Array(0);
  private offset = 0;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** False at the end of the stream. */
  private async fill(): Promise<boolean> {
    while (this.offset >= this.chunk.length) {
      const { done, value } = await this.reader.read();
      if (done) return false;
      this.chunk = value;
      this.offset = 0;
    }
    return true;
  }

  /** The next `count` bytes; fewer only when the stream ends first. */
  async read(count: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(count);
    let filled = 0;
    while (filled < count && (await this.fill())) {
      const take = Math.min(count - filled, this.chunk.length - this.offset);
      bytes.set(this.chunk.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.offset += take;
    }
    return filled === count ? bytes : bytes.subarray(0, filled);
  }

  /** Skips the next `count` bytes; returns how many there were. */
  async skip(count: number): Promise<number> {
    let skipped = 0;
    while (skipped < count && (await this.fill())) {
      const take = Math.min(count - skipped, this.chunk.length - this.offset);
      skipped += take;
      this.offset += take;
    }
    return skipped;
  }

  /** Reads to the end (so a decompressor checks its trailer) and returns how many bytes were left. */
  async drain(): Promise<number> {
    let left = 0;
    while (await this.fill()) {
      left += this.chunk.length - this.offset;
      this.offset = this.chunk.length;
    }
    return left;
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}
