/** Placeholder blocks shaped like the compare view while it loads. */
export function CompareSkeleton() {
  return (
    <div role="status" aria-live="polite" className="space-y-6" data-testid="compare-loading">
      <span className="sr-only">Loading comparison…</span>
      <div className="h-24 animate-pulse rounded-lg bg-slate-200/70" aria-hidden />
      <div className="grid gap-4 lg:grid-cols-2" aria-hidden>
        {[0, 1, 2, 3].map((i) => (
          <div key={i} className="h-72 animate-pulse rounded-lg bg-slate-200/70" />
        ))}
      </div>
      <div className="h-64 animate-pulse rounded-lg bg-slate-200/70" aria-hidden />
    </div>
  );
}
