/**
 * Encoded curve streams of this process, by their digest (runs, metrics, points per series and every series'
 * version), least recently used first out once they hold more than `maxBytes`. A digest names exactly one content,
 * so an entry is never stale: a series that logged more points gets another digest.
 */
export function curveCache(maxBytes: number) {
  const entries = new Map<string, Uint8Array>();
  let bytes = 0;
  return {
    get(digest: string): Uint8Array | undefined {
      const hit = entries.get(digest);
      if (hit) {
        entries.delete(digest);
        entries.set(digest, hit);
      }
      return hit;
    },
    set(digest: string, content: Uint8Array) {
      if (content.byteLength > maxBytes || entries.has(digest)) return;
      entries.set(digest, content);
      bytes += content.byteLength;
      for (const [oldest, old] of entries) {
        if (bytes <= maxBytes) break;
        entries.delete(oldest);
        bytes -= old.byteLength;
      }
    },
    get size() {
      return entries.size;
    },
  };
}
