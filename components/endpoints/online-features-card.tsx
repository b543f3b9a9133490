"use client";

import { useState } from "react";
import { editableInForm } from "@/components/endpoints/online-features-form-schema";
import {
  OnlineFeaturesForm,
  RUNTIME_NOTE,
  type OnlineFeaturesTarget,
  type RuntimeOutcome,
} from "@/components/endpoints/online-features-form";
import { OnlineFeaturesSummary } from "@/components/endpoints/online-features-summary";
import { OnlineFeatureMetricsPanel } from "@/components/endpoints/online-feature-metrics-panel";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";

type Props = OnlineFeaturesTarget & { canEdit: boolean };

/** An endpoint's online features: the lookup before its model and the rules answering when it fails. */
export function OnlineFeaturesCard({ canEdit, ...props }: Props) {
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<RuntimeOutcome | null>(null);
  const editable = editableInForm(props.setting);
  return (
    <Card
      title="Online features and fallback"
      className="min-w-0 lg:col-span-2"
      actions={
        canEdit &&
        !editing &&
        editable && (
          <Button variant="secondary" size="sm" onClick={() => setEditing(true)} data-testid="online-features-edit">
            Edit
          </Button>
        )
      }
    >
      {editing ? (
        <OnlineFeaturesForm
          {...props}
          onDone={() => setEditing(false)}
          onSaved={(runtime) => {
            setSaved(runtime);
            setEditing(false);
          }}
        />
      ) : (
        <>
          {saved && (
            <p role="status" className="mb-2 text-xs text-slate-600" data-testid="online-features-runtime">
              {RUNTIME_NOTE[saved]}
            </p>
          )}
          <OnlineFeaturesSummary setting={props.setting} />
          {props.setting && <OnlineFeatureMetricsPanel endpointId={props.endpointId} />}
          {canEdit && !editable && (
            <p className="mt-2 text-xs text-slate-500">
              Rules with several conditions or outputs are changed through the API.
            </p>
          )}
          {!canEdit && <p className="mt-2 text-xs text-slate-500">Data scientists of the owning team set these.</p>}
        </>
      )}
    </Card>
  );
}
