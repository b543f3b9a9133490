import { describe, expect, it } from "vitest";
import {
  kvBytesPerToken,
  kvCacheBudget,
  vllmLaunchProblems,
  vllmStartupSeconds,
  type VllmLaunch,
} from "@/server/integrations/kubernetes/vllm-profile";
import { modelShapeSchema } from "@/contracts/vllm";

const GIB = 1024 ** 3;
// Llama-3-8B's config.json (grouped-query attention: 8 KV heads of 128).
const LLAMA_3_8B = modelShapeSchema.parse({
  architectures: ["LlamaForCausalLM"],
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  hidden_size: 4096,
  max_position_embeddings: 8192,
  torch_dtype: "bfloat16",
});
const LLAMA_3_8B_WEIGHTS = 16_060_522_496;
const launch = (overrides: Partial<VllmLaunch>): VllmLaunch => ({
  tensorParallelSize: 1,
  gpuMemoryGiB: 24,
  gpuMemoryUtilization: 0.9,
  maxNumSeqs: 256,
  chunkedPrefill: false,
  weightBytes: LLAMA_3_8B_WEIGHTS,
  ...overrides,
});

describe("the vLLM launch profile", () => {
  it("sizes the KV cache by hand: 2 × 32 layers × 8 heads × 128 × 2 bytes = 128 KiB a token", () => {
    expect(kvBytesPerToken(LLAMA_3_8B)).toBe(131_072);
    // Without num_key_value_heads or head_dim: every attention head keeps keys and values, of hidden/heads each.
    const noGqa = modelShapeSchema.parse({
      num_hidden_layers: 2,
      num_attention_heads: 4,
      hidden_size: 64,
      torch_dtype: "float32",
    });
    expect(kvBytesPerToken(noGqa)).toBe(2 * 2 * 4 * 16 * 4);
    // One 24 GiB GPU at 0.9: 21.6 GiB less 1.5 GiB reserved less 16.06 GB of weights, over 128 KiB a token.
    const budget = kvCacheBudget(LLAMA_3_8B, launch({}));
    expect(budget.tokenCapacity).toBe(Math.floor(((24 * 0.9 - 1.5) * GIB - LLAMA_3_8B_WEIGHTS) / 131_072));
    expect(budget.maxModelLen).toBe(8192);
  });

  it("accepts a launch that fits", () => {
    expect(vllmLaunchProblems(LLAMA_3_8B, launch({}))).toEqual([]);
    expect(vllmLaunchProblems(LLAMA_3_8B, launch({ maxNumBatchedTokens: 8192 }))).toEqual([]);
  });

  it("refuses weights that leave no room for the KV cache, and a context longer than the KV cache holds", () => {
    expect(vllmLaunchProblems(LLAMA_3_8B, launch({ gpuMemoryGiB: 16 }))).toEqual([
      expect.stringMatching(/leave no room for the KV cache/),
    ]);
    // 5.1 GiB of head-room holds ~42k tokens: a 64k context (RoPE scaling) does not fit.
    const long = { ...LLAMA_3_8B, max_position_embeddings: 131_072 };
    expect(vllmLaunchProblems(long, launch({ maxModelLen: 65_536 }))).toEqual([
      expect.stringMatching(/--max-model-len 65536 needs 65536 tokens of KV cache; 42\d{3} fit/),
    ]);
    // Four GPUs give it room.
    expect(vllmLaunchProblems(long, launch({ maxModelLen: 65_536, tensorParallelSize: 4 }))).toEqual([]);
  });

  it("refuses cross-argument limits vLLM refuses at start", () => {
    expect(vllmLaunchProblems(LLAMA_3_8B, launch({ tensorParallelSize: 3, gpuMemoryGiB: 80 }))).toEqual([
      expect.stringMatching(/32 attention heads do not divide over 3 GPUs/),
    ]);
    expect(vllmLaunchProblems(LLAMA_3_8B, launch({ maxModelLen: 16_384 }))).toContainEqual(
      expect.stringMatching(/longer than the model's 8192 positions/),
    );
    expect(vllmLaunchProblems(LLAMA_3_8B, launch({ maxNumBatchedTokens: 128 }))).toEqual([
      "--max-num-batched-tokens 128 is below --max-num-seqs 256",
      expect.stringMatching(/below --max-model-len 8192 without chunked prefill/),
    ]);
    expect(vllmLaunchProblems(LLAMA_3_8B, launch({ maxNumBatchedTokens: 2048, chunkedPrefill: true }))).toEqual([]);
  });

  it("gives the startup probe the time the weights take to read, never less than configured", () => {
    // 16 GB at 200 MiB/s: 77 s, plus two minutes of engine start-up.
    expect(vllmStartupSeconds(LLAMA_3_8B_WEIGHTS, 60)).toBe(197);
    expect(vllmStartupSeconds(1024, 300)).toBe(300);
  });
});
