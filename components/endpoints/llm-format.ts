/** Why an LLM endpoint shows no $ per 1M tokens, or null when it shows one. */
export function tokenCostNote(cost: {
  tokens: number | null;
  usd: number | null;
  unpricedInstanceTypes: string[];
}): string | null {
  if (cost.tokens === null || cost.tokens === 0) return "No tokens measured yet in this range.";
  if (cost.unpricedInstanceTypes.length > 0)
    return `No price for ${cost.unpricedInstanceTypes.join(", ")}: add it under Admin → Pricing.`;
  if (cost.usd === null) return "No instance time measured for this endpoint in this range.";
  return null;
}
