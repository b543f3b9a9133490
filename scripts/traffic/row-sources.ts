import type { Dataset } from "@/training/dataset";
import { DELIVERY_FEATURES, generateDeliveries } from "@/training/delivery-data";
import { FRAUD_FEATURES, generateFraudTransactions } from "@/training/fraud-data";

export type Row = Record<string, number>;

export type DriftScenario = { name: string; description: string; apply: (row: Row) => Row };

/** A synthetic data generator the demo models were trained on, and the drift it can simulate. */
export type RowSource = {
  name: string;
  features: readonly string[];
  generate: (size: number, seed: number) => Dataset;
  drifts: DriftScenario[];
};

// Values go through Math.fround because the training CSV holds float32 values; sending the same precision keeps
// values that sit exactly on a reference bin edge in the same bin as in training.
const scaled = (value: number, factor: number) => Math.fround(Math.round(value * factor * 100) / 100);

export const ROW_SOURCES: readonly RowSource[] = [
  {
    name: "fraud-transactions",
    features: FRAUD_FEATURES,
    generate: generateFraudTransactions,
    drifts: [
      {
        name: "amount",
        description: "transaction amounts ×3 (a log-shift of ln 3); every other feature unchanged",
        apply: (row) => ({ ...row, amount: scaled(row.amount ?? 0, 3) }),
      },
    ],
  },
  {
    name: "delivery-orders",
    features: DELIVERY_FEATURES,
    generate: generateDeliveries,
    drifts: [
      {
        name: "distance",
        description: "delivery distances ×2 (the service area grew); every other feature unchanged",
        apply: (row) => ({ ...row, distance_km: scaled(row.distance_km ?? 0, 2) }),
      },
    ],
  },
];

export const DRIFT_SCENARIO_NAMES = ROW_SOURCES.flatMap((source) => source.drifts.map((d) => d.name));

/** The generator whose features cover every input of an endpoint's signature, if any. */
export function sourceFor(inputs: readonly string[]): RowSource | undefined {
  if (inputs.length === 0) return undefined;
  return ROW_SOURCES.find((source) => inputs.every((name) => source.features.includes(name)));
}

const BLOCK_ROWS = 2_000;

/** A row and what was true for it in the generator (fraud 0/1, delivery minutes): the demo's ground truth. */
export type LabelledRow = { row: Row; target: number };

/**
 * An endless stream of rows from one generator, each with its true outcome. Each block of rows uses its own seed
 * (offset from `seed`), so a run is reproducible and production rows differ from the training rows (which use the
 * generator's default seed).
 */
export function labelledRowStream(source: RowSource, seed: number): () => LabelledRow {
  let block: Dataset | undefined;
  let blockIndex = -1;
  let position = BLOCK_ROWS;
  return () => {
    if (!block || position >= block.size) {
      blockIndex++;
      block = source.generate(BLOCK_ROWS, seed + blockIndex);
      position = 0;
    }
    const current = block;
    const index = position++;
    const row = Object.fromEntries(current.featureNames.map((name, f) => [name, current.columns[f]?.[index] ?? 0]));
    return { row, target: current.target[index] ?? 0 };
  };
}

/** The rows of `labelledRowStream` without their outcomes. */
export function rowStream(source: RowSource, seed: number): () => Row {
  const next = labelledRowStream(source, seed);
  return () => next().row;
}

/** A deliberately malformed row (its first feature is missing), so the runtime rejects the request with a 400. */
export function malformed(row: Row, inputs: readonly string[]): Row {
  const copy = { ...row };
  if (inputs[0] !== undefined) delete copy[inputs[0]];
  return copy;
}
