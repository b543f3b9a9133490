import type { KubernetesTargetConfigInput } from "@/server/integrations/kubernetes/config";
import { endpointObjectName } from "@/server/integrations/kubernetes/object-names";
import { FakeKubernetesApi, type StoredObject } from "@/tests/integration/kubernetes/fake-api-server";

const NS = "ml-serving";
const CONTROLLER_MS = 20;

type Backend = { name: string; weight: number };
/** The labels a serving pod of a Deployment carries (its metrics are selected by them). */
export type PodOf = { namespace: string; endpoint: string; variant: string; pod: string };

/**
 * The API-server stand-in (tests/integration/kubernetes) with the cluster's controllers played in this process, as the
 * conformance suite and bench/deploy both use it: a Deployment becomes available at the next controller tick unless its
 * model cannot be loaded (its artifact's sha256 is in `spoiled`; then its rollout exceeds its progress deadline, as a
 * pod in CrashLoopBackOff does), and a request through an endpoint's HTTPRoute reaches a Deployment by the route's
 * weights.
 */
export class KubernetesStandIn {
  readonly api: FakeKubernetesApi;
  /** Artifacts (sha256) whose model cannot be loaded. */
  readonly spoiled = new Set<string>();
  private server: string | undefined;
  private controller: NodeJS.Timeout | undefined;

  /** `onReady` hears of each Deployment generation that became available (e.g. to export its pods' metrics). */
  constructor(
    private readonly token: string,
    private readonly onReady: (pod: PodOf) => void = () => {},
  ) {
    this.api = new FakeKubernetesApi(token);
  }

  async start(): Promise<string> {
    this.server = await this.api.start();
    this.controller = setInterval(() => this.reconcile(), CONTROLLER_MS);
    return this.server;
  }

  async stop(): Promise<void> {
    clearInterval(this.controller);
    await this.api.stop();
  }

  /** The Kubernetes target's configuration for this cluster (token auth, a model volume claim, one Gateway). */
  targetConfig(settleTimeoutSeconds = 10): KubernetesTargetConfigInput {
    if (!this.server) throw new Error("start() the stand-in first");
    return {
      connection: { kind: "token", server: this.server, token: this.token, skipTlsVerify: true },
      namespace: NS,
      gateway: { name: "inference", namespace: "gateways" },
      modelVolume: { kind: "pvc", claimName: "model-store" },
      onnx: { image: "registry.example.test/modelport/onnx-runtime:1.4.2" },
      vllm: { image: "registry.example.test/vllm/vllm-openai:v0.11.0" },
      settleTimeoutSeconds,
    };
  }

  /** The Deployment controller: settles every Deployment whose current generation has not been observed yet. */
  private reconcile() {
    for (const deployment of this.api.objects("Deployment")) {
      if (deployment.status?.observedGeneration === deployment.metadata.generation) continue;
      const cannotLoad = [...this.spoiled].some((sha) => JSON.stringify(deployment.spec).includes(sha));
      this.api.setDeploymentStatus(NS, deployment.metadata.name, cannotLoad ? "deadline-exceeded" : "ready");
      if (!cannotLoad) this.onReady(this.podOf(deployment));
    }
  }

  private backendsOf(endpointName: string): Backend[] {
    const route = this.api.object("HTTPRoute", NS, endpointObjectName(endpointName));
    const rules = (route?.spec?.rules ?? []) as { backendRefs?: Backend[] }[];
    return rules.flatMap((rule) => rule.backendRefs ?? []).filter((backend) => backend.weight > 0);
  }

  /**
   * The Deployment one request through the endpoint's route reaches, drawn by the route's weights; undefined when the
   * route has no backend or the chosen one has no available replica (the request fails).
   */
  route(endpointName: string): StoredObject | undefined {
    const backends = this.backendsOf(endpointName);
    const total = backends.reduce((sum, b) => sum + b.weight, 0);
    let draw = Math.random() * total;
    const chosen = backends.find((b) => (draw -= b.weight) < 0) ?? backends.at(-1);
    const deployment = chosen && this.api.object("Deployment", NS, chosen.name);
    if (!deployment || deployment.status?.availableReplicas === 0) return undefined;
    return deployment;
  }

  /** The serving pod of a Deployment's current generation. */
  podOf(deployment: StoredObject): PodOf {
    return {
      namespace: NS,
      endpoint: deployment.metadata.labels?.["modelport.dev/endpoint"] ?? "",
      variant: deployment.metadata.labels?.["modelport.dev/variant"] ?? "",
      pod: `${deployment.metadata.name}-g${deployment.metadata.generation}`,
    };
  }

  /** Which of these artifacts (sha256) a Deployment serves. */
  static serves(deployment: StoredObject, sha256: string): boolean {
    return JSON.stringify(deployment.spec).includes(sha256);
  }
}
