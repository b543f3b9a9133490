import type { LabelSchema } from "@/contracts/labels";
import { Badge } from "@/components/ui/badge";
import { labelText } from "@/lib/label-keys";
import { cn } from "@/lib/cn";
import type { RouterOutputs } from "@/trpc/react";

type ReviewItem = RouterOutputs["labels"]["toReview"]["items"][number];

/** The items waiting on the reviewer; the selected one is shown beside the list. */
export function ReviewItemList({
  items,
  schema,
  selectedId,
  onSelect,
}: {
  items: ReviewItem[];
  schema: LabelSchema;
  selectedId: string;
  onSelect: (id: string) => void;
}) {
  return (
    <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white" data-testid="review-list">
      {items.map((item) => (
        <li key={item.id}>
          <button
            type="button"
            onClick={() => onSelect(item.id)}
            aria-current={item.id === selectedId ? "true" : undefined}
            data-testid="review-list-item"
            data-item-id={item.id}
            className={cn(
              "flex w-full items-center justify-between gap-2 px-3 py-2 text-left text-sm",
              item.id === selectedId ? "bg-indigo-50" : "hover:bg-slate-50",
            )}
          >
            <span className="truncate">
              <span className="font-medium">{item.predicted.label ?? item.predicted.value ?? "—"}</span>{" "}
              <span className="text-xs text-slate-600">
                → {item.annotations.map((a) => labelText(a.value, schema)).join(" / ")}
              </span>
            </span>
            <Badge tone={item.agreed ? "green" : "amber"}>{item.stratum}</Badge>
          </button>
        </li>
      ))}
    </ul>
  );
}
