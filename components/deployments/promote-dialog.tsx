"use client";

import { Rocket } from "lucide-react";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { PromoteForm } from "@/components/deployments/promote-form";
import { GateResultCard } from "@/components/golden-sets/gate-result-card";

type Props = { modelName: string; version: number; metricNames: string[] };

export function PromoteDialog({ modelName, version, metricNames }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <DialogFrame
      open={open}
      onOpenChange={setOpen}
      title={`Promote ${modelName} v${version}`}
      description="Serve this version in an environment. Gates run first; production needs a second person's approval."
      trigger={
        <Button data-testid="promote-version">
          <Rocket className="h-4 w-4" aria-hidden />
          Promote
        </Button>
      }
    >
      {open && (
        <div className="space-y-4">
          <GateResultCard modelName={modelName} version={version} />
          <PromoteForm
            modelName={modelName}
            version={version}
            metricNames={metricNames}
            onDone={() => setOpen(false)}
          />
        </div>
      )}
    </DialogFrame>
  );
}
