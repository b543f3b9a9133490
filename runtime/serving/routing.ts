export type Weighted = { variantName: string; weight: number };

/** FNV-1a, 32 bits: a fast, stable hash, so a routing key lands on the same point on every process. */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Picks a variant in proportion to its weight. With a routing key the pick is a pure function of the key and the
 * weights (variants are ordered by name), so the same caller keeps the same variant while the weights are unchanged.
 */
export function pickVariant<T extends Weighted>(
  variants: readonly T[],
  routingKey?: string,
  random: () => number = Math.random,
): T | undefined {
  const eligible = variants.filter((v) => v.weight > 0).sort((a, b) => (a.variantName < b.variantName ? -1 : 1));
  const total = eligible.reduce((sum, v) => sum + v.weight, 0);
  if (total <= 0) return undefined;
  const unit = routingKey === undefined ? random() : hashKey(routingKey) / 2 ** 32;
  let point = unit * total;
  for (const variant of eligible) {
    if (point < variant.weight) return variant;
    point -= variant.weight;
  }
  return eligible[eligible.length - 1];
}
