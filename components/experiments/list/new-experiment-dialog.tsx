"use client";

import { Plus } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { NewExperimentForm } from "@/components/experiments/list/new-experiment-form";

export function NewExperimentDialog() {
  const [open, setOpen] = useState(false);
  return (
    <DialogFrame
      open={open}
      onOpenChange={setOpen}
      title="New experiment"
      description="Runs logged by pipelines are grouped under an experiment."
      size="md"
      trigger={
        <Button data-testid="new-experiment">
          <Plus className="h-4 w-4" aria-hidden />
          New experiment
        </Button>
      }
    >
      {open && <NewExperimentForm onDone={() => setOpen(false)} />}
    </DialogFrame>
  );
}
