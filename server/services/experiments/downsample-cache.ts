import type { CurvePoint } from "./downsample-series";

type Entry = { version: string; points: CurvePoint[] };

/**
 * Downsampled curves keyed by (series, maxPoints) and stamped with the series' version (its updatedAt
 * and summary statistics, changed by every write), so a stale entry is never served. Least recently used
 * entries are evicted once the cache holds more than `maxCachedPoints` points.
 */
export class DownsampleCache {
  private readonly entries = new Map<string, Entry>();
  private cachedPoints = 0;

  constructor(private readonly maxCachedPoints: number) {}

  get(seriesId: number, maxPoints: number, version: string): CurvePoint[] | undefined {
    const id = `${seriesId}:${maxPoints}`;
    const entry = this.entries.get(id);
    if (!entry || entry.version !== version) return undefined;
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.points;
  }

  set(seriesId: number, maxPoints: number, version: string, points: CurvePoint[]) {
    const id = `${seriesId}:${maxPoints}`;
    this.remove(id);
    if (points.length > this.maxCachedPoints) return;
    this.entries.set(id, { version, points });
    this.cachedPoints += points.length;
    for (const oldest of this.entries.keys()) {
      if (this.cachedPoints <= this.maxCachedPoints) break;
      this.remove(oldest);
    }
  }

  private remove(id: string) {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.cachedPoints -= entry.points.length;
    this.entries.delete(id);
  }
}

type SeriesStamp = { updatedAt: Date; pointCount: number; lastStep: number; lastValue: number; minValue: number; maxValue: number };

/** Changes whenever a batch touches the series. */
export function seriesVersion(series: SeriesStamp): string {
  return [series.updatedAt.getTime(), series.pointCount, series.lastStep, series.lastValue, series.minValue, series.maxValue].join(":");
}
