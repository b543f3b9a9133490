import type { ModelShape } from "@/contracts/vllm";

const GIB = 1024 ** 3;

/** Bytes per element of the dtypes a Hugging Face config names (`torch_dtype`); vLLM's "auto" KV cache uses it. */
const DTYPE_BYTES: Record<string, number> = { float16: 2, bfloat16: 2, half: 2, float32: 4, float: 4 };

/** What a vLLM deployment is started with, and the GPUs it is given. */
export type VllmLaunch = {
  /** --tensor-parallel-size: the GPUs of one replica. */
  tensorParallelSize: number;
  /** Memory of one GPU, GiB. */
  gpuMemoryGiB: number;
  /** --gpu-memory-utilization. */
  gpuMemoryUtilization: number;
  /** --max-model-len; the model's max_position_embeddings when unset. */
  maxModelLen?: number;
  /** --max-num-seqs (vLLM's default 256). */
  maxNumSeqs: number;
  /** --max-num-batched-tokens; unset lets vLLM choose. */
  maxNumBatchedTokens?: number;
  /** Whether chunked prefill is on (then a batch may hold fewer tokens than one sequence). */
  chunkedPrefill: boolean;
  /** The weights' size in bytes (the safetensors files), loaded across the tensor-parallel GPUs. */
  weightBytes: number;
};

/** What the memory check found, for the deploy dialog and the refusal message. */
export type KvCacheBudget = {
  kvBytesPerToken: number;
  /** Tokens the KV cache can hold across the replica's GPUs after weights and a fixed activation reserve. */
  tokenCapacity: number;
  maxModelLen: number;
};

/** Activation and CUDA-graph memory vLLM keeps per GPU besides weights and KV cache (a conservative reserve). */
export const ACTIVATION_RESERVE_GIB = 1.5;
/** How fast weights are read from the model volume when the startup probe is sized (bytes per second). */
export const WEIGHT_LOAD_BYTES_PER_SECOND = 200 * 1024 ** 2;

const kvHeads = (shape: ModelShape) => shape.num_key_value_heads ?? shape.num_attention_heads;
const headDim = (shape: ModelShape) => shape.head_dim ?? shape.hidden_size / shape.num_attention_heads;
const dtypeBytes = (shape: ModelShape) => DTYPE_BYTES[shape.torch_dtype ?? "float16"] ?? 2;

/** Keys and values for every layer: 2 × layers × KV heads × head size × bytes per element, per token. */
export function kvBytesPerToken(shape: ModelShape): number {
  return 2 * shape.num_hidden_layers * kvHeads(shape) * headDim(shape) * dtypeBytes(shape);
}

export function kvCacheBudget(shape: ModelShape, launch: VllmLaunch): KvCacheBudget {
  const usable =
    launch.tensorParallelSize * (launch.gpuMemoryGiB * launch.gpuMemoryUtilization - ACTIVATION_RESERVE_GIB);
  const kvBytes = Math.max(0, usable * GIB - launch.weightBytes);
  const perToken = kvBytesPerToken(shape);
  return {
    kvBytesPerToken: perToken,
    tokenCapacity: Math.floor(kvBytes / perToken),
    maxModelLen: launch.maxModelLen ?? shape.max_position_embeddings ?? 0,
  };
}

/**
 * The cross-argument limits that make a vLLM pod fail at start, checked before anything is applied; each problem in
 * the words an operator acts on. Empty when the launch fits.
 */
export function vllmLaunchProblems(shape: ModelShape, launch: VllmLaunch): string[] {
  const problems: string[] = [];
  const tp = launch.tensorParallelSize;
  if (shape.num_attention_heads % tp !== 0)
    problems.push(
      `The model's ${shape.num_attention_heads} attention heads do not divide over ${tp} GPUs (--tensor-parallel-size): use a divisor`,
    );
  const limit = shape.max_position_embeddings;
  if (launch.maxModelLen !== undefined && limit !== undefined && launch.maxModelLen > limit)
    problems.push(`--max-model-len ${launch.maxModelLen} is longer than the model's ${limit} positions`);
  const budget = kvCacheBudget(shape, launch);
  const weightsPerGpuGiB = launch.weightBytes / tp / GIB;
  if (weightsPerGpuGiB + ACTIVATION_RESERVE_GIB >= launch.gpuMemoryGiB * launch.gpuMemoryUtilization)
    problems.push(
      `The weights (${weightsPerGpuGiB.toFixed(1)} GiB per GPU over ${tp}) leave no room for the KV cache in ${(launch.gpuMemoryGiB * launch.gpuMemoryUtilization).toFixed(1)} GiB: add GPUs or raise --gpu-memory-utilization`,
    );
  else if (budget.maxModelLen > budget.tokenCapacity)
    problems.push(
      `--max-model-len ${budget.maxModelLen} needs ${budget.maxModelLen} tokens of KV cache; ${budget.tokenCapacity} fit (${budget.kvBytesPerToken} bytes a token): lower --max-model-len, raise --gpu-memory-utilization or add GPUs`,
    );
  const batched = launch.maxNumBatchedTokens;
  if (batched !== undefined) {
    if (batched < launch.maxNumSeqs)
      problems.push(`--max-num-batched-tokens ${batched} is below --max-num-seqs ${launch.maxNumSeqs}`);
    if (!launch.chunkedPrefill && batched < budget.maxModelLen)
      problems.push(
        `--max-num-batched-tokens ${batched} is below --max-model-len ${budget.maxModelLen} without chunked prefill: longer prompts would be refused`,
      );
  }
  return problems;
}

/** Seconds the startup probe allows: reading the weights at WEIGHT_LOAD_BYTES_PER_SECOND, plus engine start-up. */
export function vllmStartupSeconds(weightBytes: number, minimumSeconds: number): number {
  return Math.max(minimumSeconds, Math.ceil(weightBytes / WEIGHT_LOAD_BYTES_PER_SECOND) + 120);
}
