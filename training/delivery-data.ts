import { createDataset, type Dataset } from "@/training/dataset";
import { seededRandom } from "@/training/random";

export const DELIVERY_FEATURES = [
  "distance_km",
  "prep_time_min",
  "courier_load",
  "hour",
  "is_raining",
  "is_weekend",
] as const;

/** Lunch and dinner rushes slow couriers down. */
const rushDelay = (hour: number) => (hour >= 11 && hour <= 13 ? 6 : hour >= 18 && hour <= 20 ? 8 : 0);

/** Meal delivery orders with their delivery time in minutes; the same `seed` always gives the same rows. */
export function generateDeliveries(size: number, seed = 20240502): Dataset {
  const random = seededRandom(seed);
  const dataset = createDataset("delivery-orders", [...DELIVERY_FEATURES], "delivery_minutes", size);
  for (let i = 0; i < size; i++) {
    const lunch = random.bernoulli(0.45);
    const order = {
      distance_km: Math.round(Math.min(25, Math.max(0.2, random.logNormal(1.1, 0.6))) * 100) / 100,
      prep_time_min: Math.round(Math.max(3, 4 + random.logNormal(2.2, 0.45)) * 10) / 10,
      courier_load: random.poisson(1.8),
      hour: (Math.round(lunch ? random.normal(12.5, 1.5) : random.normal(19, 2)) + 24) % 24,
      is_raining: random.bernoulli(0.15),
      is_weekend: random.bernoulli(2 / 7),
    };
    DELIVERY_FEATURES.forEach((name, f) => {
      dataset.columns[f]![i] = order[name];
    });
    const travel = 2.6 * order.distance_km * (order.is_raining ? 1.3 : 1);
    const waiting = Math.max(0, order.prep_time_min - 4) * 0.9 + 2.2 * order.courier_load ** 1.2;
    const minutes = 7 + travel + waiting + rushDelay(order.hour) + 4 * order.is_raining + 2 * order.is_weekend;
    dataset.target[i] = Math.max(5, minutes + random.normal(0, 2.5 + 0.15 * order.distance_km));
  }
  return dataset;
}
