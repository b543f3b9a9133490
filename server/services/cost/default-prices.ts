import type { PriceFields } from "@/contracts/pricing";
import type { ReadContext } from "@/server/services/context";
import { DEFAULT_INSTANCE_TYPES } from "@/server/integrations/kubernetes/resources";

const SAGEMAKER_SOURCE =
  "AWS SageMaker real-time inference on-demand list price, us-east-1, as published on aws.amazon.com/sagemaker/pricing " +
  "(seeded 2026-11; list prices change: an admin should check and edit them)";

/**
 * Public on-demand list prices plus a local CPU-hour price and Kubernetes node prices, all admin-editable. Every
 * instance type a target runs a variant on by default is here (tests/unit/cost/default-prices.test.ts checks it), so
 * a variant nobody sized is never left unpriced.
 */
export const DEFAULT_PRICES: PriceFields[] = [
  {
    name: "local-cpu",
    target: "LOCAL",
    hourlyUsd: 0.0425,
    vcpus: 1,
    memoryGib: 2,
    gpus: 0,
    source:
      "Local CPU-hour: one vCPU of an AWS EC2 c5.xlarge on-demand in us-east-1 ($0.17/hour for 4 vCPUs), " +
      "a stand-in for what a host CPU costs; edit it to your own internal rate",
  },
  {
    name: "ml.t2.medium",
    target: "SAGEMAKER",
    hourlyUsd: 0.056,
    vcpus: 2,
    memoryGib: 4,
    gpus: 0,
    source: SAGEMAKER_SOURCE,
  },
  {
    name: "ml.m5.large",
    target: "SAGEMAKER",
    hourlyUsd: 0.115,
    vcpus: 2,
    memoryGib: 8,
    gpus: 0,
    source: SAGEMAKER_SOURCE,
  },
  {
    name: "ml.m5.xlarge",
    target: "SAGEMAKER",
    hourlyUsd: 0.23,
    vcpus: 4,
    memoryGib: 16,
    gpus: 0,
    source: SAGEMAKER_SOURCE,
  },
  {
    name: "ml.c5.large",
    target: "SAGEMAKER",
    hourlyUsd: 0.102,
    vcpus: 2,
    memoryGib: 4,
    gpus: 0,
    source: SAGEMAKER_SOURCE,
  },
  {
    name: "ml.c5.xlarge",
    target: "SAGEMAKER",
    hourlyUsd: 0.204,
    vcpus: 4,
    memoryGib: 8,
    gpus: 0,
    source: SAGEMAKER_SOURCE,
  },
  {
    name: "ml.g4dn.xlarge",
    target: "SAGEMAKER",
    hourlyUsd: 0.736,
    vcpus: 4,
    memoryGib: 16,
    gpus: 1,
    source: SAGEMAKER_SOURCE,
  },
  {
    name: "ml.g5.xlarge",
    target: "SAGEMAKER",
    hourlyUsd: 1.408,
    vcpus: 4,
    memoryGib: 16,
    gpus: 1,
    source: SAGEMAKER_SOURCE,
  },
  {
    name: "gpu-t4-node",
    target: "KUBERNETES",
    hourlyUsd: 0.526,
    vcpus: 4,
    memoryGib: 16,
    gpus: 1,
    source:
      "Example only: a Kubernetes node priced like an AWS EC2 g4dn.xlarge on-demand in us-east-1 (1× NVIDIA T4); set your cluster's rate",
  },
  {
    name: "gpu-a10g-node",
    target: "KUBERNETES",
    hourlyUsd: 1.006,
    vcpus: 4,
    memoryGib: 16,
    gpus: 1,
    source:
      "Example only: a Kubernetes node priced like an AWS EC2 g5.xlarge on-demand in us-east-1 (1× NVIDIA A10G); set your cluster's rate",
  },
  {
    name: DEFAULT_INSTANCE_TYPES.ONNX,
    target: "KUBERNETES",
    hourlyUsd: 0.02125,
    vcpus: 1,
    memoryGib: 1,
    gpus: 0,
    source:
      "One ONNX runtime pod on the flavour's default resources (requests 500m CPU, 1 GiB): half a vCPU at the local " +
      "CPU-hour rate ($0.0425 per vCPU-hour, one vCPU of an AWS EC2 c5.xlarge on-demand in us-east-1); set your cluster's rate",
  },
  {
    name: DEFAULT_INSTANCE_TYPES.VLLM,
    target: "KUBERNETES",
    hourlyUsd: 1.212,
    vcpus: 8,
    memoryGib: 32,
    gpus: 1,
    source:
      "One vLLM pod on the flavour's default resources (requests 4 CPU, 32 GiB, 1 GPU), priced as the smallest node that " +
      "fits it: an AWS EC2 g5.2xlarge on-demand in us-east-1 (1× NVIDIA A10G, 8 vCPU, 32 GiB); set your cluster's rate",
  },
];

/** Adds the default prices that are missing (at worker start and in the seed); prices an admin edited are kept. */
export async function ensureDefaultPrices(ctx: ReadContext): Promise<number> {
  const { count } = await ctx.db.pricedInstanceType.createMany({ data: DEFAULT_PRICES, skipDuplicates: true });
  return count;
}
