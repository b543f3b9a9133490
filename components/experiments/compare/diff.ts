/** "Differences only": which params (or metrics) vary across the compared runs. */

export type ValueRow<V> = { key: string; values: (V | undefined)[]; differs: boolean };

/** True unless every run has the same value; a run missing the key counts as different. */
export function valuesDiffer<V>(values: readonly (V | undefined)[]): boolean {
  if (values.length < 2) return false;
  const first = values[0];
  return values.some((v) => v !== first);
}

/** One row per key, values in run order. */
export function buildValueRows<V>(
  keys: readonly string[],
  runs: readonly { values: Readonly<Record<string, V>> }[],
): ValueRow<V>[] {
  return keys.map((key) => {
    const values = runs.map((run) => (Object.hasOwn(run.values, key) ? run.values[key] : undefined));
    return { key, values, differs: valuesDiffer(values) };
  });
}

export function visibleRows<V>(rows: readonly ValueRow<V>[], differencesOnly: boolean): ValueRow<V>[] {
  return differencesOnly ? rows.filter((row) => row.differs) : [...rows];
}
