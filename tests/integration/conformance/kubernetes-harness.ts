import { db } from "@/server/db/client";
import { parseKubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { KubernetesTarget } from "@/server/integrations/kubernetes/kubernetes-target";
import { endpointObjectName, kubernetesName } from "@/server/integrations/kubernetes/object-names";
import { FakeKubernetesApi, type StoredObject } from "@/tests/integration/kubernetes/fake-api-server";
import { builtModels, spoilerFor } from "@/tests/integration/conformance/built-models";
import type { TargetHarness } from "@/tests/integration/conformance/target-harness";
import { PodMetrics } from "@/tests/integration/conformance/pod-metrics";
import { startPrometheus, type RunningPrometheus } from "@/tests/integration/support/prometheus-process";

const NS = "ml-serving";
const TOKEN = "conformance-token";
const CONTROLLER_MS = 20;

type Backend = { name: string; weight: number };

/**
 * The real Kubernetes target and client against the API-server stand-in (tests/integration/kubernetes), which enforces
 * DNS-1123 names, immutable selectors, server-side-apply conflicts and route status. This harness plays the cluster's
 * controllers: a Deployment becomes available unless its model cannot be loaded (then its rollout exceeds its
 * progress deadline, as a pod in CrashLoopBackOff does), and requests through the route reach a Service by the
 * route's weights, counted by the serving pods' metrics (a broken variant fails each one). Guardrails are the real
 * Kubernetes source: a real Prometheus scrapes those pod metrics every second and the portal queries it.
 */
export function kubernetesStandInHarness(): TargetHarness {
  const api = new FakeKubernetesApi(TOKEN);
  const spoiled = new Set<string>();
  const broken = new Set<string>();
  const pods = new PodMetrics();
  let prometheus: RunningPrometheus | undefined;
  let server: string | undefined;
  let controller: NodeJS.Timeout | undefined;
  const models = builtModels("modelport-conformance-k8s-");

  const target = () => {
    if (!server) throw new Error("start() the harness first");
    return new KubernetesTarget(
      parseKubernetesTargetConfig({
        connection: { kind: "token", server, token: TOKEN, skipTlsVerify: true },
        namespace: NS,
        gateway: { name: "inference", namespace: "gateways" },
        modelVolume: { kind: "pvc", claimName: "model-store" },
        onnx: { image: "registry.example.test/modelport/onnx-runtime:1.4.2" },
        vllm: { image: "registry.example.test/vllm/vllm-openai:v0.11.0" },
        settleTimeoutSeconds: 10,
      }),
    );
  };

  /** The Deployment controller: settles every Deployment whose current generation has not been observed yet. */
  const reconcile = () => {
    for (const deployment of api.objects("Deployment")) {
      if (deployment.status?.observedGeneration === deployment.metadata.generation) continue;
      const cannotLoad = [...spoiled].some((sha) => JSON.stringify(deployment.spec).includes(sha));
      api.setDeploymentStatus(NS, deployment.metadata.name, cannotLoad ? "deadline-exceeded" : "ready");
      if (!cannotLoad) pods.ready(podOf(deployment));
    }
  };

  const backendsOf = (endpointName: string): Backend[] => {
    const route = api.object("HTTPRoute", NS, endpointObjectName(endpointName));
    const rules = (route?.spec?.rules ?? []) as { backendRefs?: Backend[] }[];
    return rules.flatMap((rule) => rule.backendRefs ?? []).filter((backend) => backend.weight > 0);
  };

  const podOf = (deployment: StoredObject) => ({
    namespace: NS,
    endpoint: deployment.metadata.labels?.["modelport.dev/endpoint"] ?? "",
    variant: deployment.metadata.labels?.["modelport.dev/variant"] ?? "",
    pod: `${deployment.metadata.name}-g${deployment.metadata.generation}`,
  });

  return {
    name: "Kubernetes (stand-in)",
    kind: "KUBERNETES",
    start: async () => {
      server = await api.start();
      controller = setInterval(reconcile, CONTROLLER_MS);
      prometheus = await startPrometheus({ targets: [await pods.start()], scrapeIntervalSeconds: 1 });
      await models.write();
    },
    stop: async () => {
      clearInterval(controller);
      await api.stop();
      await prometheus?.stop();
      await pods.stop();
      await models.remove();
    },
    target,
    artifactUri: (artifact) => `artifacts/${artifact.sha256}/${artifact.path}`,
    guardrails: () => {
      if (!prometheus) throw new Error("start() the harness first");
      return target().guardrails(prometheus.client);
    },
    registerVersion: models.register,
    breakVariant: async (endpointName, variantName) => {
      broken.add(`${endpointName}/${kubernetesName(variantName)}`);
    },
    invoke: async (endpointName) => {
      const backends = backendsOf(endpointName);
      const total = backends.reduce((sum, b) => sum + b.weight, 0);
      let draw = Math.random() * total;
      const chosen = backends.find((b) => (draw -= b.weight) < 0) ?? backends.at(-1);
      const deployment = chosen && api.object("Deployment", NS, chosen.name);
      if (!deployment || deployment.status?.availableReplicas === 0) return { ok: false, version: null };
      const started = performance.now();
      const pod = podOf(deployment);
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
      const spec = JSON.stringify(deployment.spec);
      const served = versions.find((v) => v.artifact && spec.includes(v.artifact.sha256));
      pods.observe(pod.pod, "200", (performance.now() - started) / 1000);
      return { ok: true, version: served?.version ?? null };
    },
    served: async (endpointName) => {
      const state = await target().describe(endpointName);
      return Object.fromEntries(state.variants.map((v) => [v.variantName, v.weight]));
    },
    spoilArtifact: spoilerFor(spoiled),
    breachReason: /Guardrail breached .*error rate 100\.0%/,
    reset: async () => {
      broken.clear();
    },
  };
}
