"use client";

import { useQuery } from "@tanstack/react-query";
import { Card } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { useTRPC } from "@/trpc/react";
import { textFields } from "@/lib/url-state";
import { useUrlState } from "@/lib/use-url-state";
import { AliasHistoryTimeline } from "@/components/registry/alias-history-timeline";
import { AliasesPanel } from "@/components/registry/aliases-panel";
import { MarkdownDescription } from "@/components/registry/markdown-description";
import { ModelHeader } from "@/components/registry/model-header";
import { OutcomeSettingsCard } from "@/components/registry/outcome-settings-card";
import { LabelDelayForm } from "@/components/registry/label-delay-form";
import { useCanChange } from "@/lib/use-can";
import { VersionAtLookup } from "@/components/registry/version-at-lookup";
import { ModelVersions } from "@/components/registry/model-versions";
import { GateRuleCard } from "@/components/golden-sets/gate-rule-card";
import { GoldenSetsCard } from "@/components/golden-sets/golden-sets-card";
import { ModelLabelQueuesCard } from "@/components/labels/model-label-queues-card";

const URL_STATE = textFields(["alias", "lookup", "at"]);

export function ModelDetail({ name }: { name: string }) {
  const trpc = useTRPC();
  const [url, setUrl] = useUrlState(URL_STATE.parse, URL_STATE.serialize);
  const model = useQuery(trpc.registry.get.queryOptions({ name }));
  // Only the model's team (and admins) may change it: the server refuses everyone else.
  const canWrite = useCanChange("models:write", model.data && { teamId: model.data.team.id });

  if (model.isPending) return <LoadingState label="Loading model…" />;
  if (model.isError) return <ErrorState error={model.error} onRetry={() => void model.refetch()} />;

  const data = model.data;
  const everyAlias = [
    ...new Set([...data.aliases.map((a) => a.alias), ...data.aliasHistory.map((e) => e.alias)]),
  ].sort();
  return (
    <>
      <ModelHeader model={data} canWrite={canWrite} />
      <div className="grid gap-6 xl:grid-cols-3">
        <Card title="Description" className="min-w-0 xl:col-span-2">
          <MarkdownDescription text={data.description} />
        </Card>
        <div className="flex min-w-0 flex-col gap-6">
          <Card title="Aliases" className="min-w-0">
            <AliasesPanel model={data} canWrite={canWrite} />
          </Card>
          {data.outcome && (
            <Card title="Outcome classes" className="min-w-0">
              <OutcomeSettingsCard
                modelName={data.name}
                classes={data.outcome.classes}
                decisionThreshold={data.outcome.decisionThreshold}
                canWrite={canWrite}
              />
            </Card>
          )}
          {(data.taskType === "CLASSIFICATION" || data.taskType === "REGRESSION") && (
            <Card title="Label delay" className="min-w-0">
              <LabelDelayForm name={data.name} labelDelayMinutes={data.labelDelayMinutes} canWrite={canWrite} />
            </Card>
          )}
        </div>
        <Card title={`Versions (${data.versionCount.toLocaleString()})`} className="min-w-0 xl:col-span-3">
          <ModelVersions model={data} />
        </Card>
        <GoldenSetsCard modelName={data.name} mayUpload={canWrite} className="min-w-0 xl:col-span-3" />
        <ModelLabelQueuesCard modelName={data.name} teamId={data.team.id} className="min-w-0 xl:col-span-3" />
        {(data.taskType === "CLASSIFICATION" || data.taskType === "REGRESSION") && (
          <GateRuleCard
            modelName={data.name}
            classes={data.outcome?.classes ?? null}
            canWrite={canWrite}
            className="min-w-0 xl:col-span-3"
          />
        )}
        <Card title="Alias history" className="min-w-0 xl:col-span-2">
          <AliasHistoryTimeline
            modelName={data.name}
            aliases={everyAlias}
            alias={url.alias}
            onAliasChange={(alias) => setUrl({ alias }, "replace")}
          />
        </Card>
        <Card title="Alias on a date" className="min-w-0">
          <VersionAtLookup
            modelName={data.name}
            aliases={everyAlias}
            asked={{ alias: url.lookup, at: url.at }}
            onAsk={(question) => setUrl({ lookup: question.alias, at: question.at }, "replace")}
          />
        </Card>
      </div>
    </>
  );
}
