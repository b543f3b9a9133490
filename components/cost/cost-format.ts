const dollars = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const smallDollars = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumSignificantDigits: 2,
  maximumSignificantDigits: 3,
});
const count = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Dollars; amounts under a dollar keep three significant digits so $0.0042 does not read as $0.00. */
export function formatUsd(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  if (value !== 0 && Math.abs(value) < 1) return smallDollars.format(value);
  return dollars.format(value);
}

export const formatCount = (value: number) => count.format(value);

export function formatInstanceHours(instanceSeconds: number): string {
  return `${(instanceSeconds / 3600).toFixed(instanceSeconds < 36_000 ? 2 : 0)} h`;
}
