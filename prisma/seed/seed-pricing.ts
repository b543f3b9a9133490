import type { Db } from "@/server/db/client";
import { DEFAULT_PRICES, ensureDefaultPrices } from "@/server/services/cost/default-prices";

/** The seed's prices are the defaults every installation gets (server/services/cost/default-prices.ts). */
export const SEED_PRICES = DEFAULT_PRICES;

/** Adds the seed prices that are missing; prices an admin already edited are left alone. */
export async function seedPricing(database: Db) {
  const count = await ensureDefaultPrices({ db: database });
  if (count > 0) console.log(`Seeded ${count} instance prices.`);
}
