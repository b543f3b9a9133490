import Link from "next/link";
import { versionHref } from "@/components/registry/format";
import { tableClasses as t } from "@/components/ui/table-classes";
import type { RouterOutputs } from "@/trpc/react";

type Variant = RouterOutputs["endpoints"]["get"]["variants"][number];

/** Each variant: the version it serves, its traffic weight and what it runs on. */
export function VariantsTable({ modelName, variants }: { modelName: string; variants: Variant[] }) {
  if (variants.length === 0)
    return <p className="text-sm text-slate-500">No variant has been deployed to this endpoint yet.</p>;
  return (
    <div className={t.wrapper}>
      <table className={t.table} data-testid="endpoint-variants">
        <thead className={t.head}>
          <tr>
            <th scope="col" className={t.th}>
              Variant
            </th>
            <th scope="col" className={t.th}>
              Version
            </th>
            <th scope="col" className={`${t.th} text-right`}>
              Weight
            </th>
            <th scope="col" className={t.th}>
              Runs on
            </th>
          </tr>
        </thead>
        <tbody className={t.body}>
          {variants.map((v) => (
            <tr
              key={v.id}
              className={t.row}
              data-testid="endpoint-variant"
              data-version={v.version.version}
              data-weight={v.weight}
            >
              <td className={`${t.td} font-mono`}>{v.variantName}</td>
              <td className={t.td}>
                <Link
                  href={versionHref(modelName, v.version.version)}
                  className="font-mono text-indigo-700 hover:underline"
                >
                  v{v.version.version}
                </Link>
              </td>
              <td className={`${t.td} ${t.numeric}`}>{v.weight}%</td>
              <td className={t.td}>
                {v.instanceCount}× <span className="font-mono">{v.instanceType}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
