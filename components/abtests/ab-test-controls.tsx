"use client";

import { AbTestKeepDialog } from "@/components/abtests/ab-test-keep-dialog";
import { AbTestPromoteDialog } from "@/components/abtests/ab-test-promote-dialog";
import { AbTestStartButtons } from "@/components/abtests/ab-test-start-buttons";
import { AbTestStopDialog } from "@/components/abtests/ab-test-stop-dialog";
import type { AbTestView } from "@/components/abtests/ab-test-types";
import { useCanChange } from "@/lib/use-can";

/** What the owning team's data scientists can do with the test now; everyone else reads. */
export function AbTestControls({ test }: { test: AbTestView }) {
  const canManage = useCanChange("abtests:manage", { teamId: test.model.teamId });
  if (!canManage) return null;
  const settled = !test.pendingStatus;
  const ended = test.status === "STOPPED" || test.status === "CONCLUDED";
  const canStart = settled && (test.status === "PLANNED" || test.status === "SHADOW");
  const canDecide =
    settled && !test.decision && test.startedAt !== null && (test.status === "RUNNING" || test.status === "STOPPED");
  const canStop = !(ended && settled) && test.pendingStatus !== "STOPPED" && test.pendingStatus !== "CONCLUDED";
  if (!canStart && !canDecide && !canStop) return null;
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="ab-test-controls">
      {canStart && <AbTestStartButtons test={test} />}
      {canDecide && test.status === "RUNNING" && <AbTestPromoteDialog test={test} />}
      {canDecide && <AbTestKeepDialog testId={test.id} />}
      {canStop && <AbTestStopDialog testId={test.id} />}
    </div>
  );
}
