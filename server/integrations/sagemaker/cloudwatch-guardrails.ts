import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { readVariantMetrics } from "@/server/integrations/sagemaker/cloudwatch-metrics";
import type {
  GuardrailReading,
  GuardrailSource,
  GuardrailWindow,
} from "@/server/integrations/targets/guardrail-source";

/**
 * SageMaker guardrails for the portal's own reading of a release: the variant's CloudWatch metrics over the bake's
 * window (`Invocations` and `Invocation5XXErrors` summed, `ModelLatency` p99). The portal reads only after SageMaker
 * finished the blue/green shift (its alarms watch the shift itself), when every request of the variant reaches the new
 * fleet. CloudWatch can read any past window, so no mark is kept.
 */
export class CloudWatchGuardrails implements GuardrailSource {
  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async mark(): Promise<null> {
    return null;
  }

  async read(window: GuardrailWindow): Promise<GuardrailReading> {
    const metrics = await readVariantMetrics(this.cloudWatch, { ...window, to: this.clock() });
    const requests = Math.round(metrics.invocations);
    return {
      requests,
      errorRate: requests > 0 ? Math.min(1, metrics.errors5xx / requests) : 0,
      p99Ms: metrics.p99LatencyMs,
    };
  }
}
