"use client";

import { Pencil } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { OutcomeSettingsForm } from "@/components/registry/outcome-settings-form";

type Props = { modelName: string; classes: string[]; decisionThreshold: number; canWrite: boolean };

/** A classifier's classes and decision threshold: how its scores become the classes ground truth is compared with. */
export function OutcomeSettingsCard({ modelName, classes, decisionThreshold, canWrite }: Props) {
  const [editing, setEditing] = useState(false);
  return (
    <div className="space-y-3 text-sm" data-testid="outcome-settings">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
        <dt className="text-slate-500">Classes</dt>
        <dd data-testid="outcome-classes">{classes.join(", ")}</dd>
        <dt className="text-slate-500">Positive when</dt>
        <dd data-testid="outcome-threshold">
          probability ≥ {decisionThreshold} → {classes[classes.length - 1]}
        </dd>
      </dl>
      {canWrite && (
        <DialogFrame
          open={editing}
          onOpenChange={setEditing}
          title={`Classes of ${modelName}`}
          description="Ground truth, label queues and quality use these. The change is audited."
          trigger={
            <Button variant="secondary" data-testid="edit-outcome-settings">
              <Pencil className="h-4 w-4" aria-hidden />
              Edit classes
            </Button>
          }
        >
          {editing && (
            <OutcomeSettingsForm
              name={modelName}
              classes={classes}
              decisionThreshold={decisionThreshold}
              onDone={() => setEditing(false)}
            />
          )}
        </DialogFrame>
      )}
    </div>
  );
}
