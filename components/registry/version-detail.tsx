"use client";

import { useQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { Fact } from "@/components/ui/fact";
import { DemoBadge } from "@/components/ui/demo-badge";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PromoteDialog } from "@/components/deployments/promote-dialog";
import { useCanChange } from "@/lib/use-can";
import { useTRPC } from "@/trpc/react";
import { AliasBadge } from "@/components/registry/alias-badge";
import {
  artifactDownloadHref,
  FORMAT_LABELS,
  modelHref,
  runHref,
  TASK_TYPE_LABELS,
} from "@/components/registry/format";
import { formatBytes, formatDateTime } from "@/lib/format";
import { MarkdownDescription } from "@/components/registry/markdown-description";
import { MetricsSnapshotTable } from "@/components/registry/metrics-snapshot-table";
import { ReferenceProfileCard } from "@/components/registry/reference-profile-card";
import { GateResultCard } from "@/components/golden-sets/gate-result-card";
import { SignatureTable } from "@/components/registry/signature-table";
import { VersionAbTestsCard } from "@/components/abtests/version-ab-tests-card";
import { BatchJobsCard } from "@/components/batch/batch-jobs-card";
import { VersionSlaCard } from "@/components/registry/version-sla-card";

export function VersionDetail({ name, version }: { name: string; version: number }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.registry.version.queryOptions({ name, version }));
  const canPromote = useCanChange("models:write", query.data && { teamName: query.data.model.team });
  if (query.isPending) return <LoadingState label="Loading version…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;

  const v = query.data;
  const { run, artifact } = v.lineage;
  return (
    <>
      <div className="mb-6">
        <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
          <Link href="/models" className="hover:underline">
            Models
          </Link>{" "}
          /{" "}
          <Link href={modelHref(v.model.name)} className="hover:underline">
            {v.model.name}
          </Link>{" "}
          / <span className="text-slate-700">v{v.version}</span>
        </nav>
        <h1 className="flex flex-wrap items-center gap-2 text-2xl font-semibold tracking-tight text-slate-900">
          <span data-testid="version-title">
            {v.model.name} <span className="font-mono">v{v.version}</span>
          </span>
          {v.model.isDemo && <DemoBadge />}
          {v.version === v.model.latestVersion && <Badge>latest</Badge>}
          {v.aliases.map((alias) => (
            <AliasBadge key={alias} alias={alias} version={v.version} />
          ))}
        </h1>
        <div className="mt-1 flex flex-wrap items-center justify-between gap-2">
          <p className="text-sm text-slate-600">
            {v.model.team} · {TASK_TYPE_LABELS[v.model.taskType]}
          </p>
          {canPromote && (
            <PromoteDialog modelName={v.model.name} version={v.version} metricNames={Object.keys(v.metrics).sort()} />
          )}
        </div>
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Overview">
          <dl className="divide-y divide-slate-100">
            <Fact label="Created">
              <time dateTime={v.createdAt.toISOString()}>{formatDateTime(v.createdAt)}</time>
            </Fact>
            <Fact label="Created by">{v.createdBy.name}</Fact>
            <Fact label="Format">{FORMAT_LABELS[v.format]}</Fact>
            <Fact label="Aliases here">
              {v.aliases.length > 0 ? v.aliases.join(", ") : <span className="text-slate-500">none</span>}
            </Fact>
            <Fact label="Source run">
              {run ? (
                <Link href={runHref(run)} className="text-indigo-700 hover:underline" data-testid="source-run-link">
                  {run.name}
                  <span className="block text-xs text-slate-500">
                    {run.experimentName} · {run.status.toLowerCase()}
                  </span>
                </Link>
              ) : (
                <span className="text-slate-500">none</span>
              )}
            </Fact>
          </dl>
          {v.description && (
            <div className="mt-4 border-t border-slate-100 pt-4">
              <MarkdownDescription text={v.description} />
            </div>
          )}
        </Card>
        <Card title="Artifact">
          {artifact ? (
            <>
              <dl className="divide-y divide-slate-100">
                <Fact label="Path">
                  <span className="font-mono">{artifact.path}</span>
                </Fact>
                <Fact label="Size">{formatBytes(artifact.sizeBytes)}</Fact>
                <Fact label="SHA-256">
                  <span className="break-all font-mono text-xs" data-testid="artifact-sha256">
                    {artifact.sha256}
                  </span>
                </Fact>
                <Fact label="Content type">
                  <span className="font-mono text-xs">{artifact.contentType}</span>
                </Fact>
              </dl>
              <a
                href={artifactDownloadHref(artifact.id)}
                className="mt-4 inline-flex items-center gap-1.5 rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-medium text-white hover:bg-indigo-500"
                data-testid="artifact-download"
              >
                <Download className="h-4 w-4" aria-hidden />
                Download {artifact.path}
              </a>
            </>
          ) : (
            <p className="text-sm text-slate-500">
              Registered without an artifact (for example a container image referenced by the run).
            </p>
          )}
        </Card>
        <Card title="Signature">
          <SignatureTable signature={v.signature} />
        </Card>
        <Card title="Metrics at registration">
          <MetricsSnapshotTable metrics={v.metrics} />
        </Card>
        <ReferenceProfileCard profile={v.referenceProfile} />
        <VersionSlaCard modelName={v.model.name} version={v.version} sla={v.sla} canEdit={canPromote} />
        <GateResultCard modelName={v.model.name} version={v.version} className="lg:col-span-2" />
        <VersionAbTestsCard modelName={v.model.name} version={v.version} className="lg:col-span-2" />
        {v.format === "ONNX" && (
          <BatchJobsCard
            modelName={v.model.name}
            version={v.version}
            canStart={canPromote && artifact !== null}
            className="lg:col-span-2"
          />
        )}
      </div>
    </>
  );
}
