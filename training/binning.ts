/**
 * Histogram binning for tree training: each feature's values map to at most `maxBins` bins, and a split after bin b
 * means `x <= edges[b]`. Edges are actual (float32) data values, so the exported threshold compares exactly the same
 * way in TypeScript and in onnxruntime.
 */
export type BinnedFeature = { edges: Float32Array; bins: Uint8Array };

export function binEdges(values: Float32Array, maxBins: number): Float32Array {
  const sorted = Float32Array.from(values).sort();
  const unique: number[] = [];
  for (const value of sorted) if (unique.length === 0 || unique[unique.length - 1] !== value) unique.push(value);
  // The largest value can never be a useful "x <= edge" split, so it is not an edge.
  const candidates = unique.slice(0, -1);
  if (candidates.length <= maxBins - 1) return Float32Array.from(candidates);
  const edges: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const value = sorted[Math.floor((b / maxBins) * sorted.length)] ?? NaN;
    if (value !== sorted[sorted.length - 1] && (edges.length === 0 || edges[edges.length - 1]! < value))
      edges.push(value);
  }
  return Float32Array.from(edges);
}

/** Index of the first edge >= value (edges.length when the value is above every edge). */
export function binIndex(edges: Float32Array, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (edges[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function binFeature(values: Float32Array, maxBins: number): BinnedFeature {
  if (maxBins > 256) throw new Error("At most 256 bins fit in a byte");
  const edges = binEdges(values, maxBins);
  const bins = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bins[i] = binIndex(edges, values[i]!);
  return { edges, bins };
}
