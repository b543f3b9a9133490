import Link from "next/link";
import { cn } from "@/lib/cn";

const chipClass = "inline-flex items-center rounded-full px-2 py-0.5 text-xs ring-1 ring-inset";

/** A tag that filters the models list by itself: a button on the list, a link elsewhere. */
export function TagChip({
  tag,
  active = false,
  onSelect,
}: {
  tag: string;
  active?: boolean;
  onSelect?: (tag: string) => void;
}) {
  const tone = active
    ? "bg-indigo-600 text-white ring-indigo-600"
    : "bg-slate-50 text-slate-700 ring-slate-200 hover:bg-indigo-50 hover:ring-indigo-300";
  if (!onSelect) {
    return (
      <Link
        href={`/models?tag=${encodeURIComponent(tag)}`}
        className={cn(chipClass, tone)}
        aria-label={`Models tagged ${tag}`}
      >
        {tag}
      </Link>
    );
  }
  return (
    <button
      type="button"
      className={cn(chipClass, tone)}
      aria-pressed={active}
      aria-label={active ? `Stop filtering by tag ${tag}` : `Filter by tag ${tag}`}
      onClick={() => onSelect(tag)}
    >
      {tag}
    </button>
  );
}
