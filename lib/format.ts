/** Display formatting shared by every page: dates, relative times, durations and byte sizes. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
// The rest of the interface is English, so relative times are too.
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export const formatDateTime = (date: Date): string => dateTime.format(date);
export const formatDate = (date: Date): string => dateOnly.format(date);

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * DAY],
  ["month", 30 * DAY],
  ["week", 7 * DAY],
  ["day", DAY],
  ["hour", HOUR],
  ["minute", MINUTE],
];

/** "3 hours ago", "in 2 months", "just now", relative to `now`. */
export function formatRelative(date: Date, now: Date = new Date()): string {
  const diff = date.getTime() - now.getTime();
  for (const [unit, size] of RELATIVE_UNITS) {
    if (Math.abs(diff) >= size) return relative.format(Math.round(diff / size), unit);
  }
  return "just now";
}

function pad2(n: number): string {
  return n.toString().padStart(2, "0");
}

/** "2h 05m", "3m 12s", "45s", "850ms"; the end defaults to `now` for something still going. */
export function formatDuration(start: Date, end: Date | null, now: Date = new Date()): string {
  const ms = Math.max(0, (end ?? now).getTime() - start.getTime());
  if (ms < SECOND) return `${ms}ms`;
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)}s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m ${pad2(Math.floor((ms % MINUTE) / SECOND))}s`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)}h ${pad2(Math.floor((ms % HOUR) / MINUTE))}m`;
  return `${Math.floor(ms / DAY)}d ${Math.floor((ms % DAY) / HOUR)}h`;
}

const BYTE_UNITS = ["B", "KB", "MB", "GB", "TB"] as const;

/** 1536 → "1.5 KB" (powers of 1024). Accepts bigint because artifact sizes are stored as BIGINT. */
export function formatBytes(size: number | bigint): string {
  let value = Number(size);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}
