import { Button } from "@/components/ui/button";
import { ErrorState } from "@/components/ui/error-state";

type Props = {
  loaded: number;
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  loadMoreError: { message: string } | null;
  onLoadMore: () => void;
  /** Asks again after a failure: the next page, or the whole list when its cursor no longer fits (a 400). */
  onRetry: () => void;
};

/** Under the runs table: how many of the matching runs are loaded, and the next page's progress or failure. */
export function RunsTableFooter({ loaded, total, hasMore, loadingMore, loadMoreError, onLoadMore, onRetry }: Props) {
  return (
    <div className="flex items-center justify-between gap-4 border-t border-slate-100 px-3 py-2 text-xs text-slate-500">
      <span aria-live="polite" data-testid="runs-loaded">
        {hasMore
          ? `${loaded.toLocaleString()} of ${total.toLocaleString()} runs loaded`
          : `All ${loaded.toLocaleString()} runs loaded`}
        {loadingMore && " · loading more…"}
      </span>
      {loadMoreError ? (
        <ErrorState error={loadMoreError} onRetry={onRetry} />
      ) : (
        hasMore &&
        !loadingMore && (
          <Button variant="ghost" size="sm" onClick={onLoadMore}>
            Load more
          </Button>
        )
      )}
    </div>
  );
}
