/**
 * Axis scaling for charts we draw ourselves (parallel coordinates). Every axis maps a value to a
 * fraction in [0, 1]; 0 is the bottom of the axis, 1 the top.
 */

export type NumericAxis = {
  kind: "numeric";
  min: number;
  max: number;
  ticks: number[];
  position: (value: string | number) => number | null;
};

export type CategoricalAxis = {
  kind: "categorical";
  categories: string[];
  position: (value: string | number) => number | null;
};

export type Axis = NumericAxis | CategoricalAxis;

/** A value that reads as a finite number ("0.1", "1e-3", 4) — params are stored as strings. */
export function toFiniteNumber(value: string | number): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  const trimmed = value.trim();
  if (trimmed === "") return null;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : null;
}

/** Numeric when every present value is a number; otherwise the values are categories. */
export function buildAxis(values: readonly (string | number | undefined)[]): Axis {
  const present = values.filter((v): v is string | number => v !== undefined);
  const numbers = present.map(toFiniteNumber);
  if (present.length > 0 && numbers.every((n) => n !== null)) {
    return numericAxis(numbers as number[]);
  }
  return categoricalAxis(present.map(String));
}

export function numericAxis(values: readonly number[]): NumericAxis {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  return {
    kind: "numeric",
    min,
    max,
    ticks: span === 0 ? [min] : niceTicks(min, max, 5),
    position(value) {
      const n = toFiniteNumber(value);
      if (n === null) return null;
      return span === 0 ? 0.5 : (n - min) / span;
    },
  };
}

export function categoricalAxis(values: readonly string[]): CategoricalAxis {
  const categories = [...new Set(values)].sort(naturalCompare);
  const index = new Map(categories.map((c, i) => [c, i]));
  return {
    kind: "categorical",
    categories,
    position(value) {
      const i = index.get(String(value));
      if (i === undefined) return null;
      return categories.length === 1 ? 0.5 : i / (categories.length - 1);
    },
  };
}

/** "run-2" before "run-10". */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true, sensitivity: "base" });
}

/** The round step (1, 2, 5 × 10^n) nearest to range / count. */
export function niceStep(min: number, max: number, count: number): number {
  const rawStep = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const error = rawStep / magnitude;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return factor * magnitude;
}

/** [min, max] widened to the nearest round ticks, so an axis starts and ends on readable numbers. */
export function niceDomain(min: number, max: number, count: number): [number, number] {
  if (!(max > min) || count < 1) return [min, max];
  const step = niceStep(min, max, count);
  return [
    Number((Math.floor(min / step) * step).toPrecision(12)),
    Number((Math.ceil(max / step) * step).toPrecision(12)),
  ];
}

/** Round tick values (1, 2, 5 × 10^n, the step nearest to range / count) inside [min, max]. */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!(max > min) || count < 1) return [min];
  const step = niceStep(min, max, count);
  const first = Math.ceil(min / step) * step;
  const ticks: number[] = [];
  // Bounded: a step below the precision of the values (a range of a few ulps) would never advance `value`.
  for (let value = first; value <= max + step * 1e-9 && ticks.length <= count * 3; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}
