import Link from "next/link";
import { versionHref } from "@/components/registry/format";

type Variant = {
  id: string;
  variantName: string;
  weight: number;
  instanceType: string;
  instanceCount: number;
  version: { version: number };
};

/** "v7 · 90% · 1× local-cpu" per variant, the one with the most traffic first. */
export function VariantSummary({ modelName, variants }: { modelName: string; variants: Variant[] }) {
  if (variants.length === 0) return <span className="text-slate-500">nothing yet</span>;
  return (
    <ul className="space-y-0.5">
      {variants.map((v) => (
        <li
          key={v.id}
          className="whitespace-nowrap"
          data-testid="serving-variant"
          data-version={v.version.version}
          data-weight={v.weight}
        >
          <Link href={versionHref(modelName, v.version.version)} className="font-mono hover:underline">
            v{v.version.version}
          </Link>{" "}
          <span className="tabular-nums">{v.weight}%</span>{" "}
          <span className="text-slate-500">
            · {v.instanceCount}× {v.instanceType}
          </span>
        </li>
      ))}
    </ul>
  );
}
