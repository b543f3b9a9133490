import { mulberry32 } from "@/lib/mulberry32";

/**
 * The one seeded pseudo-random generator (mulberry32), so the synthetic datasets, the demo seed and the generated
 * traffic are the same on every machine.
 */
export type Random = {
  uniform(): number;
  normal(mean?: number, sd?: number): number;
  logNormal(mu: number, sigma: number): number;
  bernoulli(p: number): number;
  poisson(lambda: number): number;
  exponential(mean: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
};

export function seededRandom(seed: number): Random {
  const uniform = mulberry32(seed);
  const normal = (mean = 0, sd = 1) => {
    const u = Math.max(uniform(), Number.EPSILON);
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
  return {
    uniform,
    normal,
    logNormal: (mu, sigma) => Math.exp(normal(mu, sigma)),
    bernoulli: (p) => (uniform() < p ? 1 : 0),
    poisson: (lambda) => {
      const limit = Math.exp(-lambda);
      let k = 0;
      let product = uniform();
      while (product > limit) {
        k++;
        product *= uniform();
      }
      return k;
    },
    exponential: (mean) => -mean * Math.log(Math.max(uniform(), Number.EPSILON)),
    between: (min, max) => min + (max - min) * uniform(),
    int: (min, max) => Math.floor(min + (max - min + 1) * uniform()),
    pick: <T>(items: readonly T[]): T => items[Math.floor(uniform() * items.length)] as T,
  };
}
