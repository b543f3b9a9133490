import { Download } from "lucide-react";
import { Card } from "@/components/ui/card";
import { shortHash } from "@/components/experiments/shared/format";
import { formatBytes } from "@/lib/format";
import type { RouterOutputs } from "@/trpc/react";
import { tableClasses as t } from "@/components/ui/table-classes";

type Artifact = RouterOutputs["experiments"]["run"]["artifacts"][number];

export function RunArtifacts({ artifacts }: { artifacts: Artifact[] }) {
  return (
    <Card title={`Artifacts (${artifacts.length})`}>
      {artifacts.length === 0 ? (
        <p className="text-sm text-slate-500">No artifacts were uploaded for this run.</p>
      ) : (
        <div className="-m-4 overflow-x-auto">
          <table className={t.table} data-testid="run-artifacts">
            <thead className={t.head}>
              <tr>
                <th scope="col" className={t.th}>
                  Path
                </th>
                <th scope="col" className={`${t.th} text-right`}>
                  Size
                </th>
                <th scope="col" className={t.th}>
                  SHA-256
                </th>
                <th scope="col" className={t.th}>
                  <span className="sr-only">Download</span>
                </th>
              </tr>
            </thead>
            <tbody className={t.body}>
              {artifacts.map((artifact) => (
                <tr key={artifact.id} className={t.row}>
                  <td className="px-3 py-2">
                    <span className="break-all font-mono text-xs text-slate-900">{artifact.path}</span>
                    <span className="block text-xs text-slate-500">{artifact.contentType}</span>
                  </td>
                  <td className={`${t.td} ${t.numeric}`}>{formatBytes(artifact.sizeBytes)}</td>
                  <td className={t.td}>
                    <code className="font-mono text-xs" title={artifact.sha256}>
                      {shortHash(artifact.sha256)}
                    </code>
                  </td>
                  <td className={`${t.td} text-right`}>
                    <a
                      href={`/api/artifacts/${artifact.id}`}
                      download
                      className="inline-flex items-center gap-1 rounded-md px-2 py-1 text-indigo-700 hover:bg-indigo-50"
                      aria-label={`Download ${artifact.path}`}
                    >
                      <Download className="h-4 w-4" aria-hidden />
                      Download
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
