import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { tableClasses } from "@/components/ui/table-classes";
import { referenceBinLabels } from "@/components/registry/reference-bin-labels";
import type { RouterOutputs } from "@/trpc/react";

type ReferenceProfileView = NonNullable<RouterOutputs["registry"]["version"]["referenceProfile"]>;
type Feature = ReferenceProfileView["features"][number];

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

/** The reference proportions as bars scaled to the largest bin; each bar's title names the bin and its share. */
function ProportionBars({ feature }: { feature: Feature }) {
  const labels = referenceBinLabels(feature);
  const largest = Math.max(...feature.proportions, Number.MIN_VALUE);
  return (
    <div className="flex h-8 items-end gap-px" role="img" aria-label={`Reference distribution of ${feature.name}`}>
      {feature.proportions.map((share, bin) => (
        <div
          key={bin}
          title={`${labels[bin]}: ${percent.format(share)}`}
          className="w-2 rounded-t-sm bg-indigo-400"
          style={{ height: `${Math.max(2, (share / largest) * 100)}%` }}
        />
      ))}
    </div>
  );
}

/** What drift is measured against: per input, its kind, bins and the training sample's share in each bin. */
export function ReferenceProfileCard({ profile }: { profile: ReferenceProfileView | null }) {
  if (!profile) {
    return (
      <Card title="Drift reference" className="lg:col-span-2">
        <p className="text-sm text-slate-500" data-testid="no-reference-profile">
          No training sample was registered with this version, so drift cannot be monitored. Upload a
          training-sample.csv to the run (or name one with referenceSamplePath) and register again.
        </p>
      </Card>
    );
  }
  return (
    <Card
      title="Drift reference"
      className="lg:col-span-2"
      actions={<span className="text-xs text-slate-500">{profile.sampleSize.toLocaleString()} training rows</span>}
    >
      <div className={tableClasses.wrapper}>
        <table className={tableClasses.table} data-testid="reference-profile">
          <thead className={tableClasses.head}>
            <tr>
              {["Input", "Kind", "Bins", "Reference distribution"].map((h) => (
                <th key={h} scope="col" className={tableClasses.th}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className={tableClasses.body}>
            {profile.features.map((feature) => (
              <tr key={feature.name} className={tableClasses.row}>
                <td className={`${tableClasses.td} font-mono`}>{feature.name}</td>
                <td className={tableClasses.td}>
                  <Badge tone={feature.kind === "NUMERIC" ? "indigo" : "gray"}>{feature.kind.toLowerCase()}</Badge>
                </td>
                <td className={`${tableClasses.td} ${tableClasses.numeric}`}>{feature.proportions.length}</td>
                <td className={tableClasses.td}>
                  <ProportionBars feature={feature} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
