import Link from "next/link";
import { Card } from "@/components/ui/card";
import type { RouterOutputs } from "@/trpc/react";

type Version = RouterOutputs["experiments"]["run"]["versions"][number];

export function RunVersions({ versions }: { versions: Version[] }) {
  return (
    <Card title={`Registered model versions (${versions.length})`}>
      {versions.length === 0 ? (
        <p className="text-sm text-slate-500">No model version was registered from this run yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100" data-testid="run-versions">
          {versions.map((v) => (
            <li key={`${v.modelName}:${v.version}`} className="flex items-center justify-between py-2 text-sm">
              <Link
                href={`/models/${encodeURIComponent(v.modelName)}/versions/${v.version}`}
                className="font-medium text-indigo-700 hover:underline"
              >
                {v.modelName} <span className="text-slate-500">v{v.version}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
