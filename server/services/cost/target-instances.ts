import type { InstanceCountSource } from "@/server/integrations/targets/instance-counts";
import type { ReadContext } from "@/server/services/context";

export type RemoteTargetKind = "SAGEMAKER" | "KUBERNETES";

/** One variant's instances as its target reports them, for the `modelport_target_variant_instances` gauge. */
export type TargetInstanceReading = {
  endpoint: string;
  variant: string;
  instanceType: string;
  /** Lower-case, as the gauge's `target` label. */
  target: "sagemaker" | "kubernetes";
  instances: number;
};

export type TargetInstanceFailure = { endpoint: string; target: RemoteTargetKind; reason: string };

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Instances of every SageMaker and Kubernetes endpoint in the registry, read from the targets themselves (SageMaker
 * `CurrentInstanceCount`, Kubernetes ready replicas), not from the sizing recorded in the database. Local endpoints
 * are left out: the runtime exports its own gauge. An endpoint whose target is not configured or does not answer is
 * listed in `failures` with the reason (its instances are unknown, so none are reported for it).
 */
export async function readTargetInstances(
  ctx: ReadContext,
  targetFor: (kind: RemoteTargetKind) => InstanceCountSource | undefined,
): Promise<{ readings: TargetInstanceReading[]; failures: TargetInstanceFailure[] }> {
  const endpoints = await ctx.db.endpoint.findMany({
    where: { target: { in: ["SAGEMAKER", "KUBERNETES"] } },
    select: { name: true, target: true },
    orderBy: { name: "asc" },
  });
  const readings: TargetInstanceReading[] = [];
  const failures: TargetInstanceFailure[] = [];
  await Promise.all(
    endpoints.map(async ({ name, target }) => {
      if (target === "LOCAL") return;
      const source = targetFor(target);
      if (!source) {
        failures.push({ endpoint: name, target, reason: `the ${target.toLowerCase()} target is not configured` });
        return;
      }
      const answer = await source.readInstances(name).then(
        (variants) => ({ variants }),
        (error: unknown) => ({ error: errorMessage(error) }),
      );
      if ("error" in answer) {
        failures.push({ endpoint: name, target, reason: answer.error });
        return;
      }
      for (const v of answer.variants)
        readings.push({
          endpoint: name,
          variant: v.variantName,
          instanceType: v.instanceType,
          target: target === "SAGEMAKER" ? "sagemaker" : "kubernetes",
          instances: v.instances,
        });
    }),
  );
  return { readings, failures };
}
