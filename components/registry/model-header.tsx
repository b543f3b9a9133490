"use client";

import { Pencil } from "lucide-react";
import Link from "next/link";
import { newAbTestForModelHref } from "@/components/abtests/ab-test-format";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DemoBadge } from "@/components/ui/demo-badge";
import type { RouterOutputs } from "@/trpc/react";
import { DialogFrame } from "@/components/ui/dialog-frame";
import { EditModelForm } from "@/components/registry/edit-model-form";
import { TASK_TYPE_LABELS } from "@/components/registry/format";
import { formatDateTime } from "@/lib/format";
import { TagChip } from "@/components/registry/tag-chip";
import { endpointsOfModelHref } from "@/components/endpoints/endpoint-list-params";

type Model = RouterOutputs["registry"]["get"];

export function ModelHeader({ model, canWrite }: { model: Model; canWrite: boolean }) {
  const [editing, setEditing] = useState(false);
  return (
    <div className="mb-6">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/models" className="hover:underline">
          Models
        </Link>{" "}
        / <span className="text-slate-700">{model.name}</span>
      </nav>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="flex items-center gap-2 text-2xl font-semibold tracking-tight text-slate-900">
            <span data-testid="model-name">{model.name}</span>
            {model.isDemo && <DemoBadge />}
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {model.team.name} · {TASK_TYPE_LABELS[model.taskType]} · {model.versionCount.toLocaleString()} version
            {model.versionCount === 1 ? "" : "s"} · created by {model.createdBy.name} on{" "}
            {formatDateTime(model.createdAt)} ·{" "}
            <Link
              href={endpointsOfModelHref(model.name)}
              className="text-indigo-700 underline underline-offset-2"
              data-testid="model-endpoints"
            >
              Endpoints
            </Link>{" "}
            ·{" "}
            <Link
              href={newAbTestForModelHref(model.name)}
              className="text-indigo-700 underline underline-offset-2"
              data-testid="model-new-ab-test"
            >
              A/B test one of its endpoints
            </Link>
          </p>
          {model.tags.length > 0 && (
            <div className="mt-2 flex flex-wrap gap-1">
              {model.tags.map((tag) => (
                <TagChip key={tag} tag={tag} />
              ))}
            </div>
          )}
        </div>
        {canWrite && (
          <DialogFrame
            open={editing}
            onOpenChange={setEditing}
            title={`Edit ${model.name}`}
            description="Change the description and tags. The change is audited."
            trigger={
              <Button variant="secondary" data-testid="edit-model">
                <Pencil className="h-4 w-4" aria-hidden />
                Edit
              </Button>
            }
          >
            {editing && (
              <EditModelForm
                name={model.name}
                description={model.description}
                tags={model.tags}
                onDone={() => setEditing(false)}
              />
            )}
          </DialogFrame>
        )}
      </div>
    </div>
  );
}
