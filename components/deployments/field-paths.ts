/** Error messages of the promote form by the requestPromotionInput path they belong to ("strategy.canaryPercent"). */
export type PathErrors = Partial<Record<string, string>>;
