import { mulberry32 } from "@/lib/mulberry32";

/** The bootstrap of an evaluation is reproducible from its stored seed. */
export const seededRandom = mulberry32;

/** n indices drawn uniformly with replacement from 0..n−1. */
export function resampleIndices(n: number, random: () => number, into: Int32Array = new Int32Array(n)): Int32Array {
  for (let i = 0; i < n; i++) into[i] = Math.floor(random() * n);
  return into;
}
