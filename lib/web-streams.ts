/** The chunks of a web ReadableStream, for `for await` (the DOM typings give web streams no async iterator). */
export async function* chunksOf<T>(stream: ReadableStream<T>): AsyncGenerator<T> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    await reader.cancel();
  }
}

/** A web ReadableStream over an async iterable's chunks, read only as the consumer pulls. */
export function streamOf<T>(chunks: AsyncIterable<T>): ReadableStream<T> {
  const iterator = chunks[Symbol.asyncIterator]();
  // A reader that cancels while a chunk is being produced closes the stream: that chunk is dropped, not enqueued.
  let cancelled = false;
  return new ReadableStream<T>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (cancelled) return;
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      cancelled = true;
      await iterator.return?.(reason);
    },
  });
}

/** Reads a stream whole, or stops (cancelling it) once it passes `maxBytes`: then answers "TOO_LARGE". */
export async function readAtMost(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer | "TOO_LARGE"> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return "TOO_LARGE";
    }
    chunks.push(value);
  }
}
