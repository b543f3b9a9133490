"use client";

import { Button } from "@/components/ui/button";

type Props = {
  newerCursor: string | null;
  olderCursor: string | null;
  onNewest: (() => void) | null;
  onPage: (cursor: { before?: string; after?: string }) => void;
};

export function AuditPager({ newerCursor, olderCursor, onNewest, onPage }: Props) {
  if (!newerCursor && !olderCursor && !onNewest) return null;
  return (
    <nav aria-label="Audit log pages" className="flex items-center justify-end gap-2 pt-3">
      {onNewest && (
        <Button variant="ghost" size="sm" onClick={onNewest}>
          Newest
        </Button>
      )}
      <Button
        variant="secondary"
        size="sm"
        disabled={!newerCursor}
        onClick={() => newerCursor && onPage({ after: newerCursor })}
      >
        ← Newer
      </Button>
      <Button
        variant="secondary"
        size="sm"
        disabled={!olderCursor}
        onClick={() => olderCursor && onPage({ before: olderCursor })}
      >
        Older →
      </Button>
    </nav>
  );
}
