import type { DeploymentTargetKind, ModelFormat } from "@/contracts/enums";
import { AppError } from "@/server/errors";
import { kubernetesTargetConfigIfSet } from "@/server/integrations/kubernetes/config";
import { vllmProblems } from "@/server/integrations/kubernetes/validate-spec";
import { llmProfile } from "@/server/services/deployments/endpoint-variants";

type LaunchedVersion = { version: number; format: ModelFormat; llmShape: unknown; weightBytes: bigint | null };

/**
 * Refuses, when the promotion is requested, a vLLM version the Kubernetes target would refuse to start (vllm-profile.ts),
 * so the person sees why at once instead of in a failed deployment. Only when this process has the target's
 * configuration: the worker checks again before it applies anything either way.
 */
export function checkLaunchOnRequest(target: DeploymentTargetKind, version: LaunchedVersion) {
  if (target !== "KUBERNETES" || version.format !== "VLLM") return;
  const config = kubernetesTargetConfigIfSet();
  if (!config) return;
  const problems = vllmProblems({ format: version.format, ...llmProfile(version) }, config);
  if (problems.length > 0)
    throw new AppError(
      "UNPROCESSABLE",
      `Version ${version.version} would not start on vLLM on the Kubernetes target: ${problems.join("; ")}`,
      { problems },
    );
}
