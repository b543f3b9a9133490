import type { PrometheusSource } from "@/server/integrations/prometheus/client";
import { escapeLabelValue } from "@/server/integrations/prometheus/promql";
import { endpointObjectName, kubernetesName } from "@/server/integrations/kubernetes/object-names";
import type {
  GuardrailReading,
  GuardrailSource,
  GuardrailWindow,
} from "@/server/integrations/targets/guardrail-source";

/**
 * The serving pods' series as the portal's Prometheus labels them. Its Kubernetes scrape job (docs/architecture.md)
 * keeps the pod's namespace and copies the pod labels `modelport.dev/endpoint` and `modelport.dev/variant` into
 * `modelport_endpoint` and `modelport_variant` (labelmap), so a variant's pods are selected whatever they are named
 * and however often they restart.
 */
export function podSelector(namespace: string, endpointName: string, variantName: string): string {
  const labels = {
    namespace,
    modelport_endpoint: endpointObjectName(endpointName),
    modelport_variant: kubernetesName(variantName),
  };
  return Object.entries(labels)
    .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
    .join(",");
}

/**
 * What each serving image exports. The ONNX runtime image counts every request by status; vLLM's OpenAI server counts
 * HTTP requests by handler and status class (prometheus-fastapi-instrumentator) and times each request end to end.
 * A variant's pods run one image, so the two are summed and only one contributes.
 */
function queries(pods: string, range: string) {
  const onnx = `modelport_runtime_requests_total{${pods}}`;
  const onnxErrors = `modelport_runtime_requests_total{${pods},status=~"5.."}`;
  const vllm = `http_requests_total{${pods},handler=~"/v1/.*"}`;
  const vllmErrors = `http_requests_total{${pods},handler=~"/v1/.*",status="5xx"}`;
  const total = (a: string, b: string) => `sum(increase(${a}[${range}])) or sum(increase(${b}[${range}])) or vector(0)`;
  const buckets = (metric: string) => `sum by (le) (increase(${metric}{${pods}}[${range}]))`;
  return {
    requests: total(onnx, vllm),
    errors: total(onnxErrors, vllmErrors),
    p99: `histogram_quantile(0.99, ${buckets("modelport_runtime_request_duration_seconds_bucket")} or ${buckets("vllm:e2e_request_latency_seconds_bucket")})`,
  };
}

/**
 * Kubernetes guardrails: the portal's Prometheus, queried over the bake's whole window (it reads any past window by
 * itself, so no mark is kept). `increase()` handles pods that restart or scale out during the window. Prometheus sees
 * requests one scrape interval late, which a bake's closing reading tolerates: too few requests extend the window.
 */
export class PrometheusGuardrails implements GuardrailSource {
  constructor(
    private readonly prometheus: PrometheusSource,
    private readonly namespace: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async mark(): Promise<null> {
    return null;
  }

  async read(window: GuardrailWindow): Promise<GuardrailReading> {
    const now = this.clock();
    const seconds = Math.max(1, Math.ceil((now.getTime() - window.from.getTime()) / 1000));
    const pods = podSelector(this.namespace, window.endpointName, window.variantName);
    const q = queries(pods, `${seconds}s`);
    const [requests, errors, p99] = await Promise.all([
      this.scalar(q.requests, now),
      this.scalar(q.errors, now),
      this.scalar(q.p99, now),
    ]);
    const count = Math.round(requests ?? 0);
    return {
      requests: count,
      errorRate: count > 0 ? Math.min(1, (errors ?? 0) / (requests ?? 1)) : 0,
      p99Ms: p99 === null || !Number.isFinite(p99) ? null : p99 * 1000,
    };
  }

  private async scalar(promql: string, time: Date): Promise<number | null> {
    const [sample] = await this.prometheus.query(promql, time);
    return sample === undefined || Number.isNaN(sample.value) ? null : sample.value;
  }
}
