"use client";

import { Plus } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { NewModelForm } from "@/components/registry/new-model-form";

export function NewModelDialog() {
  const [open, setOpen] = useState(false);
  return (
    <DialogFrame
      open={open}
      onOpenChange={setOpen}
      title="New model"
      description="A registered model groups the versions you register from runs."
      trigger={
        <Button data-testid="new-model">
          <Plus className="h-4 w-4" aria-hidden />
          New model
        </Button>
      }
    >
      {open && <NewModelForm onDone={() => setOpen(false)} />}
    </DialogFrame>
  );
}
