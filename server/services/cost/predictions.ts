import type { DeploymentTargetKind } from "@/contracts/enums";
import { endpointObjectName } from "@/server/integrations/kubernetes/object-names";
import { readVariantMetrics } from "@/server/integrations/sagemaker/cloudwatch-metrics";
import type { MetricsContext } from "@/server/services/context";
import type { AlignedWindow } from "@/server/services/cost/cost-math";
import {
  POD_ENDPOINT_LABEL,
  podPredictionsQuery,
  predictionsQuery,
  scrapedPodsQuery,
} from "@/server/services/cost/cost-queries";
import type { EndpointPredictions, PromQuery, VariantUsage } from "@/server/services/cost/schemas";

type Context = Pick<MetricsContext, "db" | "prometheus" | "cloudwatch">;

const finite = (value: number) => (Number.isFinite(value) ? value : 0);

function sumBy(samples: Array<{ metric: Record<string, string>; value: number }>, label: string) {
  const sums = new Map<string, number>();
  for (const s of samples) {
    const key = s.metric[label] ?? "";
    sums.set(key, (sums.get(key) ?? 0) + finite(s.value));
  }
  return sums;
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * SageMaker invocations of the endpoint's variants in the window, from CloudWatch; null with the reason when CloudWatch
 * is not configured or does not answer (the count is then unknown, never 0).
 */
async function sagemakerInvocations(
  ctx: Context,
  endpoint: string,
  variants: string[],
  window: AlignedWindow,
): Promise<Pick<EndpointPredictions, "predictions" | "notMeasuredReason">> {
  const client = ctx.cloudwatch;
  if (!client)
    return { predictions: null, notMeasuredReason: "No SageMaker target is configured, so CloudWatch is not read" };
  if (variants.length === 0) return { predictions: 0, notMeasuredReason: null };
  const readings = await Promise.allSettled(
    variants.map((variantName) =>
      readVariantMetrics(client, { endpointName: endpoint, variantName, from: window.start, to: window.end }),
    ),
  );
  const failed = readings.find((r) => r.status === "rejected");
  if (failed)
    return { predictions: null, notMeasuredReason: `CloudWatch did not answer: ${errorMessage(failed.reason)}` };
  const invocations = readings.reduce((sum, r) => sum + (r.status === "fulfilled" ? r.value.invocations : 0), 0);
  return { predictions: invocations, notMeasuredReason: null };
}

/**
 * Every endpoint's predictions in the window, each counted on the endpoint's own target: the local runtime's rows
 * predicted (its series without a pod label), Kubernetes runtime pods' rows predicted (series the pod scrape labels
 * with `modelport_endpoint`), SageMaker's `Invocations` from CloudWatch. An endpoint's target is the registry's, else
 * the gauge's that measured it. Covers every endpoint in `usage` and every one that predicted.
 */
export async function measurePredictions(
  ctx: Context,
  window: AlignedWindow,
  usage: VariantUsage[],
): Promise<{ predictions: Map<string, EndpointPredictions>; promql: PromQuery[] }> {
  const time = window.evaluationTime;
  const queries = {
    local: predictionsQuery(window.rangeSeconds),
    pods: podPredictionsQuery(window.rangeSeconds),
    scraped: scrapedPodsQuery(window.rangeSeconds),
  };
  const [local, pods, scraped] = await Promise.all([
    ctx.prometheus.query(queries.local, time),
    ctx.prometheus.query(queries.pods, time),
    ctx.prometheus.query(queries.scraped, time),
  ]);
  const localRows = sumBy(local, "endpoint");
  const podRows = sumBy(pods, POD_ENDPOINT_LABEL);
  const scrapedPods = new Set([...scraped.map((s) => s.metric[POD_ENDPOINT_LABEL] ?? ""), ...podRows.keys()]);

  const names = [...new Set([...usage.map((u) => u.endpoint), ...localRows.keys()])];
  const registered = await ctx.db.endpoint.findMany({
    where: { OR: [{ name: { in: names } }, { target: "KUBERNETES" }] },
    select: { name: true, target: true, variants: { select: { variantName: true } } },
  });
  const byName = new Map(registered.map((e) => [e.name, e]));
  // Kubernetes endpoints whose pods were scraped take part even without a gauge in the window.
  for (const e of registered)
    if (e.target === "KUBERNETES" && scrapedPods.has(endpointObjectName(e.name)) && !names.includes(e.name))
      names.push(e.name);

  const usageTarget = new Map(usage.map((u) => [u.endpoint, u.target]));
  const variantsOf = (endpoint: string) => [
    ...new Set([
      ...usage.filter((u) => u.endpoint === endpoint).map((u) => u.variant),
      ...(byName.get(endpoint)?.variants.map((v) => v.variantName) ?? []),
    ]),
  ];

  const counted = await Promise.all(
    names.map(async (endpoint): Promise<EndpointPredictions> => {
      const target: DeploymentTargetKind = byName.get(endpoint)?.target ?? usageTarget.get(endpoint) ?? "LOCAL";
      if (target === "LOCAL")
        return {
          endpoint,
          target,
          source: "local-runtime",
          predictions: localRows.get(endpoint) ?? 0,
          notMeasuredReason: null,
        };
      if (target === "KUBERNETES") {
        const objectName = endpointObjectName(endpoint);
        const measured = scrapedPods.has(objectName);
        return {
          endpoint,
          target,
          source: "kubernetes-pods",
          predictions: measured ? (podRows.get(objectName) ?? 0) : null,
          notMeasuredReason: measured
            ? null
            : `Prometheus scraped no runtime pod labelled ${POD_ENDPOINT_LABEL}="${objectName}" in the window`,
        };
      }
      return {
        endpoint,
        target,
        source: "cloudwatch",
        ...(await sagemakerInvocations(ctx, endpoint, variantsOf(endpoint), window)),
      };
    }),
  );
  const promql: PromQuery[] = [
    { label: "Predictions per local runtime variant (rows)", promql: queries.local, time },
    { label: "Predictions per Kubernetes endpoint, from its runtime pods (rows)", promql: queries.pods, time },
    { label: "Kubernetes endpoints whose pods were scraped", promql: queries.scraped, time },
  ];
  return { predictions: new Map(counted.map((c) => [c.endpoint, c])), promql };
}
