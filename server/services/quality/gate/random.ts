/**
 * A small seeded pseudo-random generator (mulberry32): the bootstrap of an evaluation is reproducible from its stored
 * seed. Statistical quality is ample for resampling indices; it is not for cryptography.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n indices drawn uniformly with replacement from 0..n−1. */
export function resampleIndices(n: number, random: () => number, into: Int32Array = new Int32Array(n)): Int32Array {
  for (let i = 0; i < n; i++) into[i] = Math.floor(random() * n);
  return into;
}
