import type { LabelSchema, LabelValue } from "@/contracts/labels";
import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/lib/format";
import { labelText } from "@/lib/label-keys";

type Annotation = { annotator: { id: string; name: string }; value: LabelValue; createdAt: Date };

/** The current round's labels with who gave them (reviewers only: annotators never see this). */
export function AnnotationsTable({
  annotations,
  schema,
  agreed,
}: {
  annotations: Annotation[];
  schema: LabelSchema;
  agreed: boolean;
}) {
  return (
    <div>
      <h3 className="mb-1 flex items-center gap-2 text-xs font-semibold uppercase tracking-wide text-slate-500">
        Labels this round <Badge tone={agreed ? "green" : "amber"}>{agreed ? "agree" : "disagree"}</Badge>
      </h3>
      <table className="w-full text-sm" data-testid="review-annotations">
        <tbody>
          {annotations.map((a) => (
            <tr key={a.annotator.id} className="border-b border-slate-100 last:border-0">
              <th scope="row" className="py-1 pr-4 text-left font-normal text-slate-700">
                {a.annotator.name}
              </th>
              <td className="py-1 font-semibold" data-testid="review-annotation-value">
                {labelText(a.value, schema)}
              </td>
              <td className="py-1 text-right text-xs text-slate-500">{formatDateTime(a.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
