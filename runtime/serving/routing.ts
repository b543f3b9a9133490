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
 * MurmurHash3's 32-bit finaliser. FNV-1a of `salt + key` alone is not enough to make two salts independent: its state
 * only ever changes by xor and multiplication, so two salts whose states differ in the top bit alone give every key
 * hashes exactly ½ apart (at 50/50, opposite variants). The finaliser spreads every bit of the state over all 32.
 */
function mix32(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * The point in [0, 1) a routing key lands on. With a salt (an A/B test's), the key is hashed with it, so tests with
 * different salts assign the same keys independently; without one, the point is the unsalted FNV-1a hash it always
 * was, so existing assignments do not move.
 */
export function keyPoint(routingKey: string, salt?: string): number {
  const hash = salt === undefined ? hashKey(routingKey) : mix32(hashKey(`${salt}\n${routingKey}`));
  return hash / 2 ** 32;
}

/**
 * Picks a variant in proportion to its weight. With a routing key the pick is a pure function of the key, the salt and
 * the weights (variants are ordered by name), so the same caller keeps the same variant while they are unchanged.
 */
export function pickVariant<T extends Weighted>(
  variants: readonly T[],
  routingKey?: string,
  random: () => number = Math.random,
  salt?: string,
): T | undefined {
  const eligible = variants.filter((v) => v.weight > 0).sort((a, b) => (a.variantName < b.variantName ? -1 : 1));
  const total = eligible.reduce((sum, v) => sum + v.weight, 0);
  if (total <= 0) return undefined;
  const unit = routingKey === undefined ? random() : keyPoint(routingKey, salt);
  let point = unit * total;
  for (const variant of eligible) {
    if (point < variant.weight) return variant;
    point -= variant.weight;
  }
  return eligible[eligible.length - 1];
}
