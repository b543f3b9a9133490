import { db } from "@/server/db/client";
import { parseKubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { KubernetesTarget } from "@/server/integrations/kubernetes/kubernetes-target";
import { kubernetesName } from "@/server/integrations/kubernetes/object-names";
import { builtModels, spoilerFor } from "@/tests/integration/conformance/built-models";
import { KubernetesStandIn } from "@/tests/integration/conformance/kubernetes-stand-in";
import type { TargetHarness } from "@/tests/integration/conformance/target-harness";
import { PodMetrics } from "@/tests/integration/conformance/pod-metrics";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";

const TOKEN = "conformance-token";

/**
 * The real Kubernetes target and client against the API-server stand-in (tests/integration/kubernetes), which enforces
 * DNS-1123 names, immutable selectors, server-side-apply conflicts and route status. The cluster's controllers are
 * played by KubernetesStandIn: a Deployment becomes available unless its model cannot be loaded (then its rollout
 * exceeds its progress deadline, as a pod in CrashLoopBackOff does), and requests through the route reach a Service by
 * the route's weights, counted here by the serving pods' metrics (a broken variant fails each one). Guardrails are the
 * real Kubernetes source: a real Prometheus scrapes those pod metrics every second and the portal queries it.
 */
export function kubernetesStandInHarness(): TargetHarness {
  const pods = new PodMetrics();
  const cluster = new KubernetesStandIn(TOKEN, (pod) => pods.ready(pod));
  const broken = new Set<string>();
  let prometheus: RunningPrometheus | undefined;
  let started = false;
  const models = builtModels("modelport-conformance-k8s-");

  const target = () => {
    if (!started) throw new Error("start() the harness first");
    return new KubernetesTarget(parseKubernetesTargetConfig(cluster.targetConfig()));
  };

  return {
    name: "Kubernetes (stand-in)",
    kind: "KUBERNETES",
    start: async () => {
      await cluster.start();
      started = true;
      prometheus = await startPrometheus({ targets: [await pods.start()], scrapeIntervalSeconds: 1 });
      await models.write();
    },
    stop: async () => {
      await cluster.stop();
      await prometheus?.stop();
      await pods.stop();
      await models.remove();
    },
    target,
    artifactUri: async (artifact) => `artifacts/${artifact.sha256}/${artifact.path}`,
    guardrails: () => {
      if (!prometheus) throw new Error("start() the harness first");
      return target().guardrails(prometheus.client);
    },
    registerVersion: models.register,
    breakVariant: async (endpointName, variantName) => {
      broken.add(`${endpointName}/${kubernetesName(variantName)}`);
    },
    invoke: async (endpointName) => {
      const deployment = cluster.route(endpointName);
      if (!deployment) return { ok: false, version: null };
      const started = performance.now();
      const pod = cluster.podOf(deployment);
      if (broken.has(`${endpointName}/${pod.variant}`)) {
        pods.observe(pod.pod, "500", (performance.now() - started) / 1000);
        return { ok: false, version: null };
      }
      const endpoint = await db().endpoint.findUniqueOrThrow({ where: { name: endpointName } });
      const versions = await db().modelVersion.findMany({
        where: { modelId: endpoint.modelId },
        include: { artifact: true },
        orderBy: { version: "asc" },
      });
      const served = versions.find((v) => v.artifact && KubernetesStandIn.serves(deployment, v.artifact.sha256));
      pods.observe(pod.pod, "200", (performance.now() - started) / 1000);
      return { ok: true, version: served?.version ?? null };
    },
    served: async (endpointName) => {
      const state = await target().describe(endpointName);
      return Object.fromEntries(state.variants.map((v) => [v.variantName, v.weight]));
    },
    spoilArtifact: spoilerFor(cluster.spoiled),
    breachReason: /Guardrail breached .*error rate 100\.0%/,
    reset: async () => {
      broken.clear();
    },
  };
}
