import { db } from "@/server/db/client";
import { parseKubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { KubernetesTarget } from "@/server/integrations/kubernetes/kubernetes-target";
import { endpointObjectName } from "@/server/integrations/kubernetes/object-names";
import type { GuardrailReading } from "@/server/integrations/targets/guardrail-source";
import { FakeKubernetesApi, type StoredObject } from "@/tests/integration/kubernetes/fake-api-server";
import { builtModels, spoilerFor } from "@/tests/integration/conformance/built-models";
import type { TargetHarness } from "@/tests/integration/conformance/target-harness";

const NS = "ml-serving";
const TOKEN = "conformance-token";
const CONTROLLER_MS = 20;

type Backend = { name: string; weight: number };

/**
 * The real Kubernetes target and client against the API-server stand-in (tests/integration/kubernetes), which enforces
 * DNS-1123 names, immutable selectors, server-side-apply conflicts and route status. This harness plays the cluster's
 * controllers: a Deployment becomes available unless its model cannot be loaded (then its rollout exceeds its
 * progress deadline, as a pod in CrashLoopBackOff does), and requests through the route reach a Service by the
 * route's weights. Its guardrail readings count those requests (a broken variant fails each one): the portal does not
 * yet read serving pods' series from Prometheus.
 */
export function kubernetesStandInHarness(): TargetHarness {
  const api = new FakeKubernetesApi(TOKEN);
  const spoiled = new Set<string>();
  const broken = new Set<string>();
  const counts = new Map<string, { requests: number; errors: number }>();
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
    }
  };

  const backendsOf = (endpointName: string): Backend[] => {
    const route = api.object("HTTPRoute", NS, endpointObjectName(endpointName));
    const rules = (route?.spec?.rules ?? []) as { backendRefs?: Backend[] }[];
    return rules.flatMap((rule) => rule.backendRefs ?? []).filter((backend) => backend.weight > 0);
  };

  const variantOf = (deployment: StoredObject) => deployment.metadata.labels?.["modelport.dev/variant"] ?? "";

  return {
    name: "Kubernetes (stand-in)",
    kind: "KUBERNETES",
    start: async () => {
      server = await api.start();
      controller = setInterval(reconcile, CONTROLLER_MS);
      await models.write();
    },
    stop: async () => {
      clearInterval(controller);
      await api.stop();
      await models.remove();
    },
    target,
    artifactUri: (artifact) => `artifacts/${artifact.sha256}/${artifact.path}`,
    guardrails: () => ({
      read: async (endpointName, variantName): Promise<GuardrailReading> => {
        const seen = counts.get(`${endpointName}/${variantName}`) ?? { requests: 0, errors: 0 };
        return { requests: seen.requests, errorRate: seen.requests ? seen.errors / seen.requests : 0, p99Ms: null };
      },
    }),
    registerVersion: models.register,
    breakVariant: async (endpointName, variantName) => {
      broken.add(`${endpointName}/${variantName}`);
    },
    invoke: async (endpointName) => {
      const backends = backendsOf(endpointName);
      const total = backends.reduce((sum, b) => sum + b.weight, 0);
      let draw = Math.random() * total;
      const chosen = backends.find((b) => (draw -= b.weight) < 0) ?? backends.at(-1);
      const deployment = chosen && api.object("Deployment", NS, chosen.name);
      if (!deployment || deployment.status?.availableReplicas === 0) return { ok: false, version: null };
      const key = `${endpointName}/${variantOf(deployment)}`;
      const seen = counts.get(key) ?? { requests: 0, errors: 0 };
      counts.set(key, { requests: seen.requests + 1, errors: seen.errors + (broken.has(key) ? 1 : 0) });
      if (broken.has(key)) return { ok: false, version: null };
      const endpoint = await db().endpoint.findUniqueOrThrow({ where: { name: endpointName } });
      const versions = await db().modelVersion.findMany({
        where: { modelId: endpoint.modelId },
        include: { artifact: true },
        orderBy: { version: "asc" },
      });
      const spec = JSON.stringify(deployment.spec);
      const served = versions.find((v) => v.artifact && spec.includes(v.artifact.sha256));
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
