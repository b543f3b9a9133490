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
