import type { RouterOutputs } from "@/trpc/react";

type DeploymentVariant = NonNullable<RouterOutputs["deployments"]["get"]["endpoint"]>["variants"][number];
/** What the split needs, so the endpoint page can pass its own variant rows too. */
type Variant = Pick<DeploymentVariant, "id" | "variantName" | "weight"> & {
  version: Pick<DeploymentVariant["version"], "version">;
};

const COLORS = ["bg-indigo-600", "bg-emerald-500", "bg-amber-500", "bg-sky-500", "bg-rose-500"] as const;

/** The endpoint's current traffic split: one stacked bar and a row per variant. */
export function TrafficSplit({ variants }: { variants: Variant[] }) {
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  if (variants.length === 0 || total === 0) {
    return <p className="text-sm text-slate-500">No variant serves traffic on this endpoint yet.</p>;
  }
  const share = (weight: number) => Math.round((weight / total) * 1000) / 10;
  return (
    <div className="space-y-3">
      <div className="flex h-4 overflow-hidden rounded-full bg-slate-100" aria-hidden>
        {variants.map((v, i) => (
          <div
            key={v.id}
            className={`${COLORS[i % COLORS.length]} transition-[width] duration-500`}
            style={{ width: `${share(v.weight)}%` }}
          />
        ))}
      </div>
      <ul className="space-y-1 text-sm">
        {variants.map((v, i) => (
          <li
            key={v.id}
            className="flex items-center justify-between gap-2"
            data-testid={`traffic-${v.variantName}`}
            data-weight={v.weight}
          >
            <span className="flex items-center gap-2">
              <span className={`h-3 w-3 rounded-sm ${COLORS[i % COLORS.length]}`} aria-hidden />
              <span className="font-mono">{v.variantName}</span>
              {v.variantName !== `v${v.version.version}` && (
                <span className="text-slate-500">v{v.version.version}</span>
              )}
            </span>
            <span className="font-medium tabular-nums">{share(v.weight)}%</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
