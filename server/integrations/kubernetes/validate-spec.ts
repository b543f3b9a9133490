import { badRequest } from "@/server/errors";
import type { EndpointSpec, VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import {
  vllmGpus,
  vllmLaunch,
  vllmTensorParallelSize,
  type VllmVariant,
} from "@/server/integrations/kubernetes/vllm-container";
import { vllmLaunchProblems } from "@/server/integrations/kubernetes/vllm-profile";

/**
 * Registry names (letters of either case, digits, '.', '_', '-'): Kubernetes names are derived from them (see
 * object-names.ts), and the endpoint name also appears in the route's path and as vLLM's served model name.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

function checkName(what: string, name: string) {
  if (!NAME.test(name))
    throw badRequest(
      `${what} "${name}" must start with a letter or digit and use only letters, digits, '.', '_' and '-' (at most 253 characters)`,
    );
}

/** Weights are whole percentages of one endpoint's live traffic. */
export function checkWeights(weights: Record<string, number>) {
  for (const [variantName, weight] of Object.entries(weights)) {
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      throw badRequest(`Weight of variant "${variantName}" must be a whole number from 0 to 100, got ${weight}`);
    }
  }
  const total = Object.values(weights).reduce((sum, weight) => sum + weight, 0);
  if (total !== 100) throw badRequest(`Variant weights must add up to 100, got ${total}`);
}

function checkGpus({ variantName, format, gpus }: VariantSpec) {
  if (gpus === undefined) return;
  if (format === "VLLM" && (!Number.isInteger(gpus) || gpus < 1)) {
    throw badRequest(`Variant "${variantName}": a VLLM variant needs a whole number of GPUs, at least 1`);
  }
  if (format === "ONNX" && gpus !== 0) {
    throw badRequest(`Variant "${variantName}": ONNX variants run on CPU in the Kubernetes target; leave gpus unset`);
  }
}

/**
 * The cross-argument limits that make a vLLM pod fail at start (vllm-profile.ts), with the model's shape when the
 * version was registered with one; without it only the limits that need no shape are checked.
 */
export function vllmProblems(variant: VllmVariant, config: KubernetesTargetConfig): string[] {
  if (variant.format !== "VLLM") return [];
  const problems: string[] = [];
  const gpus = vllmGpus(variant, config);
  const tensorParallelSize = vllmTensorParallelSize(variant, config);
  if (tensorParallelSize !== gpus)
    problems.push(
      `--tensor-parallel-size ${tensorParallelSize} needs ${tensorParallelSize} GPUs a replica, and the replica gets ${gpus}`,
    );
  const launch = vllmLaunch(variant, config, variant.llm?.weightBytes ?? 0);
  if (variant.llm?.shape) problems.push(...vllmLaunchProblems(variant.llm.shape, launch));
  else if (launch.maxNumBatchedTokens !== undefined && launch.maxNumBatchedTokens < launch.maxNumSeqs)
    problems.push(
      `--max-num-batched-tokens ${launch.maxNumBatchedTokens} is below --max-num-seqs ${launch.maxNumSeqs}`,
    );
  return problems;
}

function checkVllmLaunch(variant: VariantSpec, config: KubernetesTargetConfig) {
  const problems = vllmProblems(variant, config);
  if (problems.length > 0)
    throw badRequest(`Variant "${variant.variantName}" would not start on vLLM: ${problems.join("; ")}`);
}

/** A shadow takes no live traffic (weight 0); each is one RequestMirror filter on the route's rule. */
function checkShadows(spec: EndpointSpec, config: KubernetesTargetConfig) {
  const shadows = spec.variants.filter((variant) => variant.shadow);
  const weighted = shadows.find((variant) => variant.weight !== 0);
  if (weighted)
    throw badRequest(
      `Variant "${weighted.variantName}" is a shadow: it takes no live traffic, so its weight must be 0`,
    );
  if (shadows.length > 1 && !config.gateway.multipleMirrors)
    throw badRequest(
      `An endpoint can mirror to one shadow here (got ${shadows.length}): the gateway is not configured to support several RequestMirror filters on one rule (gateway.multipleMirrors)`,
    );
  if (shadows.length === spec.variants.length) throw badRequest("An endpoint needs at least one live variant");
}

/** Rejects a spec the Kubernetes target cannot serve before anything is sent to the cluster. */
export function checkEndpointSpec(spec: EndpointSpec, config: KubernetesTargetConfig) {
  checkName("Endpoint name", spec.endpointName);
  if (spec.variants.length === 0) throw badRequest("An endpoint needs at least one variant");
  checkShadows(spec, config);
  const seen = new Set<string>();
  for (const variant of spec.variants) {
    checkName("Variant name", variant.variantName);
    if (seen.has(variant.variantName)) throw badRequest(`Variant "${variant.variantName}" appears twice`);
    seen.add(variant.variantName);
    if (variant.format === "CONTAINER") {
      throw badRequest(
        `Variant "${variant.variantName}": the Kubernetes target serves ONNX and VLLM models, not CONTAINER`,
      );
    }
    checkGpus(variant);
    checkVllmLaunch(variant, config);
    if (
      variant.instanceCount !== undefined &&
      (!Number.isInteger(variant.instanceCount) || variant.instanceCount < 1)
    ) {
      throw badRequest(`Variant "${variant.variantName}": instanceCount must be a whole number of at least 1`);
    }
  }
  checkWeights(liveWeights(spec));
}

/** Variant name → weight of the variants that take live traffic (not the shadows). */
export function liveWeights(spec: EndpointSpec): Record<string, number> {
  return Object.fromEntries(
    spec.variants.filter((variant) => !variant.shadow).map((variant) => [variant.variantName, variant.weight]),
  );
}
