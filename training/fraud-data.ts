import { createDataset, type Dataset } from "@/training/dataset";
import { seededRandom } from "@/training/random";
import { utcHour } from "@/lib/features/request-features";

export const FRAUD_FEATURES = [
  "amount",
  "hour",
  "merchant_risk",
  "tx_count_1h",
  "tx_count_24h",
  "distance_from_home_km",
  "distance_from_last_tx_km",
  "account_age_days",
  "is_online",
  "is_foreign",
] as const;

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The latent fraud log-odds of a card transaction. It is non-linear on purpose (log amount, squared merchant risk,
 * a night-time online interaction, brand-new accounts), so a tree ensemble can beat a linear model, as it does on
 * real card data. The intercept puts the fraud rate near 3%.
 */
function fraudLogit(t: Record<(typeof FRAUD_FEATURES)[number], number>) {
  const night = t.hour <= 5 ? 1 : 0;
  return (
    -8.8 +
    0.55 * Math.log(t.amount) +
    3.2 * t.merchant_risk ** 2 +
    0.75 * Math.min(t.tx_count_1h, 6) +
    0.06 * Math.min(t.tx_count_24h, 30) +
    0.8 * night +
    1.1 * night * t.is_online +
    0.3 * Math.log1p(t.distance_from_home_km) +
    0.25 * Math.log1p(t.distance_from_last_tx_km) +
    1.3 * t.is_foreign +
    1.4 * (t.account_age_days < 30 ? 1 : 0)
  );
}

/** Card transactions with a ~3% fraud rate; the same `seed` always gives the same rows. */
export function generateFraudTransactions(size: number, seed = 20240501): Dataset {
  const random = seededRandom(seed);
  const dataset = createDataset("fraud-transactions", [...FRAUD_FEATURES], "is_fraud", size);
  for (let i = 0; i < size; i++) {
    const isForeign = random.bernoulli(0.06);
    const txCount1h = random.poisson(0.5);
    const amount = Math.round(Math.min(5000, Math.max(1, random.logNormal(3.4, 1.05))) * 100) / 100;
    // The hour is a request feature: computed from the transaction's time by the code the runtime serves it with.
    const timestamp = Date.UTC(2024, 4, 1 + (i % 28), (Math.round(random.normal(14, 4.5)) + 24) % 24, i % 60);
    const transaction = {
      amount,
      hour: utcHour(timestamp)!,
      merchant_risk: Math.round(random.uniform() ** 2.5 * 1000) / 1000,
      tx_count_1h: txCount1h,
      tx_count_24h: txCount1h + random.poisson(3),
      distance_from_home_km:
        Math.round((random.logNormal(1.6, 1.2) + isForeign * (300 + random.exponential(900))) * 10) / 10,
      distance_from_last_tx_km: Math.round(random.logNormal(1.2, 1.4) * 10) / 10,
      account_age_days: Math.min(3650, Math.floor(random.exponential(800))),
      is_online: random.bernoulli(0.45),
      is_foreign: isForeign,
    };
    FRAUD_FEATURES.forEach((name, f) => {
      dataset.columns[f]![i] = transaction[name];
    });
    dataset.target[i] = random.bernoulli(sigmoid(fraudLogit(transaction)));
  }
  return dataset;
}
