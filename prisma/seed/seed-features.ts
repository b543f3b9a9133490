import type { ServiceContext } from "@/server/services/context";
import { createFeatureGroup } from "@/server/services/features/groups";
import { writeFeatureValues } from "@/server/services/features/values";
import { rowObject } from "@/training/dataset";
import { generateFraudTransactions } from "@/training/fraud-data";

/** The demo card-activity group: what a fraud endpoint may look up by `card_id` instead of its callers sending it. */
export const DEMO_FEATURE_GROUP = {
  name: "card-activity",
  entityKey: "card_id",
  features: ["merchant_risk", "tx_count_1h", "tx_count_24h", "distance_from_home_km", "distance_from_last_tx_km"],
  cards: 1_000,
};

/** The demo's card ids: card-0001 … card-1000. */
export const demoCardId = (i: number) => `card-${String(i + 1).padStart(4, "0")}`;

/**
 * A DEMO feature group of the fraud team with 1,000 cards' activity features, written through the services the REST
 * API calls (PostgreSQL, then the Redis mirror). The values are rows of the synthetic fraud generator the models were
 * trained from (its own seed), so a lookup gives the model rows like those it learned on.
 */
export async function seedFeatures(scientist: ServiceContext) {
  const { name, entityKey, features, cards } = DEMO_FEATURE_GROUP;
  await createFeatureGroup(scientist, {
    name,
    entityKey,
    features,
    description: "DEMO: per-card activity features from the synthetic fraud generator (not real cards)",
  });
  const transactions = generateFraudTransactions(cards, 31);
  const entities = Array.from({ length: cards }, (_, i) => {
    const row = rowObject(transactions, i);
    return { id: demoCardId(i), values: Object.fromEntries(features.map((f) => [f, row[f]!])) };
  });
  await writeFeatureValues(scientist, { group: name, entities });
}
