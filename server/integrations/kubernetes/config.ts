import { readFileSync } from "node:fs";
import { z } from "zod";

/** RFC 1035 label: what Service names and label values must be. */
export const dnsLabelSchema = z
  .string()
  .max(63)
  .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, "must be lower-case letters, digits and dashes, starting with a letter");

const quantitySchema = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, "must be a Kubernetes quantity such as 500m, 2 or 4Gi");

/** An image pinned to a tag or digest; `latest` or no tag would make rollouts unreproducible. */
const pinnedImageSchema = z
  .string()
  .min(1)
  .refine((image) => /@sha256:[0-9a-f]{64}$/.test(image) || /:[\w][\w.-]{0,127}$/.test(image.split("/").pop() ?? ""), {
    message: "must be pinned to a tag or digest",
  })
  .refine((image) => !image.endsWith(":latest"), { message: "must not use the `latest` tag" });

const resourcesSchema = z.object({
  requests: z.record(z.string(), quantitySchema),
  limits: z.record(z.string(), quantitySchema),
});

const httpPathSchema = z.string().regex(/^\/[\w./-]*$/, "must be an absolute URL path");

const connectionSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("kubeconfig"),
    path: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
  }),
  z.object({ kind: z.literal("in-cluster") }),
  z.object({
    kind: z.literal("token"),
    server: z.url(),
    token: z.string().min(1),
    caData: z.string().min(1).optional(),
    skipTlsVerify: z.boolean().default(false),
  }),
]);

const modelVolumeSchema = z.discriminatedUnion("kind", [
  /** A shared, pre-populated model store; `artifactUri` is a path inside it. */
  z.object({ kind: z.literal("pvc"), claimName: dnsLabelSchema, mountPath: httpPathSchema.default("/models") }),
  /**
   * An emptyDir filled by an init container that downloads `artifactUri`: the portal's signed, expiring artifact link
   * (GET /api/v1/artifacts/<sha256>/download), built on MODELPORT_PUBLIC_URL, so no credential is needed.
   */
  z.object({
    kind: z.literal("download"),
    downloaderImage: pinnedImageSchema,
    sizeLimit: quantitySchema.default("20Gi"),
    /** Secret holding a bearer token, for an artifact store in front of the portal that asks for one. */
    tokenSecret: z.object({ name: dnsLabelSchema, key: z.string().min(1) }).optional(),
  }),
]);

const autoscalingSchema = z.object({
  maxReplicas: z.number().int().min(1).max(1000),
  targetCpuUtilizationPercent: z.number().int().min(1).max(100),
});

const onnxSchema = z.object({
  image: pinnedImageSchema,
  port: z.number().int().min(1024).max(65535).default(8080),
  readinessPath: httpPathSchema.default("/readyz"),
  livenessPath: httpPathSchema.default("/healthz"),
  resources: resourcesSchema.default({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } }),
  autoscaling: autoscalingSchema.optional(),
  terminationGracePeriodSeconds: z.number().int().min(0).max(3600).default(30),
  progressDeadlineSeconds: z.number().int().min(30).default(600),
});

const vllmSchema = z.object({
  image: pinnedImageSchema,
  port: z.number().int().min(1024).max(65535).default(8000),
  gpuMemoryUtilization: z.number().min(0.85).max(0.95).default(0.9),
  maxModelLen: z.number().int().positive().optional(),
  /** GPUs per replica when the variant does not ask for a number. */
  defaultGpus: z.number().int().min(1).max(16).default(1),
  /**
   * Memory of one GPU of the node pool the pods land on, GiB (80: A100/H100 80 GB). The launch check sizes the KV
   * cache from it before anything is applied.
   */
  gpuMemoryGiB: z.number().positive().max(1024).default(80),
  /** --tensor-parallel-size; unset: every GPU of the replica. Set, it must equal the replica's GPUs. */
  tensorParallelSize: z.number().int().min(1).max(16).optional(),
  /** --max-num-seqs: sequences one replica batches at once. */
  maxNumSeqs: z.number().int().min(1).max(4096).default(256),
  /** --max-num-batched-tokens; unset lets vLLM choose. */
  maxNumBatchedTokens: z.number().int().min(1).optional(),
  /** --enable-chunked-prefill / --no-enable-chunked-prefill: without it a batch must hold a whole prompt. */
  chunkedPrefill: z.boolean().default(true),
  resources: resourcesSchema.default({ requests: { cpu: "4", memory: "32Gi" }, limits: { memory: "48Gi" } }),
  /** Tensor-parallel workers share memory through /dev/shm. */
  shmSize: quantitySchema.default("8Gi"),
  /** Loading weights can take minutes; the startup probe allows this long before liveness applies. */
  startupTimeoutSeconds: z.number().int().min(30).default(1200),
  terminationGracePeriodSeconds: z.number().int().min(0).max(3600).default(120),
  progressDeadlineSeconds: z.number().int().min(60).default(1800),
  nodeSelector: z.record(z.string(), z.string()).default({}),
  /** Tolerates the taint GPU node pools usually carry. */
  tolerateGpuTaint: z.boolean().default(true),
});

export const kubernetesTargetConfigSchema = z.object({
  connection: connectionSchema,
  namespace: dnsLabelSchema.default("modelport"),
  runAsUser: z.number().int().min(1).default(10001),
  gateway: z.object({
    name: dnsLabelSchema,
    namespace: dnsLabelSchema.optional(),
    sectionName: dnsLabelSchema.optional(),
    hostnames: z.array(z.string().min(1)).default([]),
    /** Requests to `<pathPrefix>/<endpoint>/...` reach the endpoint with the prefix stripped. */
    pathPrefix: httpPathSchema.default("/endpoints"),
    /**
     * Whether the Gateway implementation mirrors one rule to several backends (Gateway API's extended conformance
     * feature HTTPRouteRequestMultipleMirrors). Gateway API allows repeated RequestMirror filters, but not every
     * implementation supports them, so without this an endpoint has at most one shadow.
     */
    multipleMirrors: z.boolean().default(false),
  }),
  modelVolume: modelVolumeSchema,
  onnx: onnxSchema,
  vllm: vllmSchema,
  /** Named sizes a variant's `instanceType` may pick; each replaces the flavour's default resources. */
  resourceProfiles: z.record(dnsLabelSchema, resourcesSchema).default({}),
  /** How long a deployment waits for pods and routes to settle after an apply: ONNX pods start in seconds. */
  settleTimeoutSeconds: z.number().int().min(10).default(600),
});

export type KubernetesTargetConfig = z.infer<typeof kubernetesTargetConfigSchema>;
export type KubernetesTargetConfigInput = z.input<typeof kubernetesTargetConfigSchema>;
export type ContainerResources = z.infer<typeof resourcesSchema>;

export function parseKubernetesTargetConfig(input: unknown): KubernetesTargetConfig {
  const parsed = kubernetesTargetConfigSchema.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid Kubernetes target configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The configuration when this process has one (the worker needs it; the portal may have it too), else undefined. */
export function kubernetesTargetConfigIfSet(
  environment: Record<string, string | undefined> = process.env,
): KubernetesTargetConfig | undefined {
  if (!environment.MODELPORT_K8S_CONFIG && !environment.MODELPORT_K8S_CONFIG_FILE) return undefined;
  return kubernetesTargetConfigFromEnv(environment);
}

/** Reads the configuration as JSON from MODELPORT_K8S_CONFIG, or from the file MODELPORT_K8S_CONFIG_FILE names. */
export function kubernetesTargetConfigFromEnv(
  environment: Record<string, string | undefined> = process.env,
): KubernetesTargetConfig {
  const file = environment.MODELPORT_K8S_CONFIG_FILE;
  const text = environment.MODELPORT_K8S_CONFIG ?? (file ? readFileSync(file, "utf8") : undefined);
  if (!text) throw new Error("Set MODELPORT_K8S_CONFIG or MODELPORT_K8S_CONFIG_FILE to use the Kubernetes target");
  return parseKubernetesTargetConfig(JSON.parse(text));
}
