/** "Fraud, tabular  xgboost" → ["Fraud", "tabular", "xgboost"]; the server lower-cases and deduplicates. */
export function parseTagsText(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((tag) => tag.trim())
    .filter(Boolean);
}
