"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { endpointHref } from "@/components/endpoints/endpoint-list-params";
import { useRouter } from "next/navigation";
import { newAbTestHref } from "@/components/abtests/ab-test-format";
import { AbTestSetupForm } from "@/components/abtests/ab-test-setup-form";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { LoadingState } from "@/components/ui/loading-state";
import { PageHeader } from "@/components/ui/page-header";
import { Select } from "@/components/ui/select";
import { useCanChange } from "@/lib/use-can";
import { useTRPC } from "@/trpc/react";

/** Picks the endpoint a test runs on (its serving version is the champion). */
function EndpointPicker({ modelName }: { modelName: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const list = useQuery(
    trpc.endpoints.list.queryOptions({ page: 1, pageSize: 100, ...(modelName && { search: modelName }) }),
  );
  if (list.isPending) return <LoadingState label="Loading endpoints…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  if (list.data.items.length === 0)
    return <EmptyState title="No endpoints yet" description="A test runs on an endpoint: deploy a version first." />;
  return (
    <label className="block max-w-md text-sm text-slate-700">
      <span className="mb-1 block font-medium">Endpoint</span>
      <Select
        defaultValue=""
        onChange={(event) => event.target.value && router.push(newAbTestHref(event.target.value))}
        data-testid="ab-endpoint-picker"
      >
        <option value="" disabled>
          Choose the endpoint to test on…
        </option>
        {list.data.items.map((endpoint) => (
          <option key={endpoint.id} value={endpoint.id}>
            {endpoint.name} ({endpoint.model.name})
          </option>
        ))}
      </Select>
    </label>
  );
}

function SetupForEndpoint({ endpointId }: { endpointId: string }) {
  const trpc = useTRPC();
  const endpoint = useQuery(trpc.endpoints.get.queryOptions({ id: endpointId }));
  const modelName = endpoint.data?.model.name;
  const model = useQuery({ ...trpc.registry.get.queryOptions({ name: modelName ?? "" }), enabled: Boolean(modelName) });
  const canSetUp = useCanChange("abtests:manage", endpoint.data && { teamId: endpoint.data.model.teamId });
  if (endpoint.isPending || (modelName && model.isPending)) return <LoadingState label="Loading the endpoint…" />;
  if (endpoint.isError) return <ErrorState error={endpoint.error} onRetry={() => void endpoint.refetch()} />;
  if (model.isError) return <ErrorState error={model.error} onRetry={() => void model.refetch()} />;
  const { serving } = endpoint.data;
  const header = (
    <p className="mb-4 text-sm text-slate-600">
      On{" "}
      <Link href={endpointHref(endpointId)} className="text-indigo-700 hover:underline">
        {endpoint.data.name}
      </Link>{" "}
      ({endpoint.data.model.name})
    </p>
  );
  if (!canSetUp)
    return (
      <>
        {header}
        <EmptyState
          title="Read only"
          description="Only the model's team's data scientists set up tests on this endpoint."
        />
      </>
    );
  if (!serving || !model.data)
    return (
      <>
        {header}
        <EmptyState
          title="Nothing serves here yet"
          description="A test compares challengers with the serving version: deploy one first."
        />
      </>
    );
  // Versions are numbered 1…latest and never removed; the model itself carries only the newest 50.
  const versions = Array.from({ length: model.data.latestVersion ?? 0 }, (_, index) => index + 1);
  if (versions.length < 2)
    return (
      <>
        {header}
        <EmptyState
          title="No challenger yet"
          description="Register another version of the model to test it against the champion."
        />
      </>
    );
  return (
    <>
      {header}
      <AbTestSetupForm
        endpointName={endpoint.data.name}
        taskType={endpoint.data.model.taskType}
        championVersion={serving.version}
        versions={versions}
      />
    </>
  );
}

export function AbTestSetupPage({ endpointId, modelName }: { endpointId: string | null; modelName: string | null }) {
  return (
    <>
      <PageHeader
        title="Set up an A/B test"
        description="The endpoint's serving version is the champion; the plan is fixed once the test starts."
      />
      {endpointId ? <SetupForEndpoint endpointId={endpointId} /> : <EndpointPicker modelName={modelName} />}
    </>
  );
}
