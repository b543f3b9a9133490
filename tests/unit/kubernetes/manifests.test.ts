import { HTTPRoute } from "@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Service, type IContainer } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { renderEndpoint, type RenderedObject } from "@/server/integrations/kubernetes/render-endpoint";
import type { EndpointSpec } from "@/server/integrations/targets/deployment-target";
import type { KubernetesTargetConfigInput } from "@/server/integrations/kubernetes/config";
import { config, onnxVariant, SHA, vllmVariant } from "@/tests/unit/kubernetes/samples";

function validate(object: RenderedObject) {
  switch (object.kind) {
    case "Deployment":
      return new Deployment(object).validate();
    case "Service":
      return new Service(object).validate();
    case "HorizontalPodAutoscaler":
      return new HorizontalPodAutoscaler(object).validate();
    case "HTTPRoute":
      return new HTTPRoute(object).validate();
  }
}

function deploymentOf(spec: EndpointSpec, configured = config()): IDeployment {
  const deployment = renderEndpoint(spec, configured).workloads.find((object) => object.kind === "Deployment");
  if (deployment?.kind !== "Deployment") throw new Error("no Deployment rendered");
  return deployment;
}

function containersOf(deployment: IDeployment): IContainer[] {
  const pod = deployment.spec?.template.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

function serverContainer(deployment: IDeployment): IContainer {
  const container = deployment.spec?.template.spec?.containers[0];
  if (!container) throw new Error("no container");
  return container;
}

const canary: EndpointSpec = {
  endpointName: "fraud",
  variants: [
    onnxVariant({ variantName: "fraud-v6", version: 6, weight: 90 }),
    onnxVariant({ variantName: "fraud-v7", weight: 10 }),
  ],
};
const llm: EndpointSpec = { endpointName: "support-chat", variants: [vllmVariant()] };
const downloadConfig = config({
  modelVolume: {
    kind: "download",
    downloaderImage: "registry.example.test/curl:8.10.1",
    tokenSecret: { name: "artifact-token", key: "token" },
  },
});

describe("rendered manifests", () => {
  it.each([
    [
      "ONNX canary, model claim",
      canary,
      config({
        onnx: {
          image: "registry.example.test/onnx:1.0",
          autoscaling: { maxReplicas: 4, targetCpuUtilizationPercent: 70 },
        },
      }),
    ],
    ["vLLM, model claim", llm, config({ vllm: { image: "registry.example.test/vllm:v0.11.0", maxModelLen: 8192 } })],
    [
      "ONNX, downloaded model",
      { endpointName: "fraud", variants: [onnxVariant({ artifactUri: "https://artifacts.example.test/a/m.onnx" })] },
      downloadConfig,
    ],
    [
      "vLLM, downloaded archive",
      {
        endpointName: "support-chat",
        variants: [vllmVariant({ artifactUri: "https://artifacts.example.test/a/llm.tar.gz" })],
      },
      downloadConfig,
    ],
  ])("are valid Kubernetes and Gateway API objects: %s", (_name, spec, configured) => {
    const rendered = renderEndpoint(spec, configured);
    for (const object of [...rendered.workloads, rendered.route])
      expect(() => validate(object), `${object.kind} ${object.metadata?.name}`).not.toThrow();
  });

  it("would be caught by the schema check if broken", () => {
    const deployment = deploymentOf(canary);
    const broken = { ...deployment, spec: { ...deployment.spec, replicas: "two" } } as unknown as IDeployment;
    expect(() => validate(broken)).toThrow(/replicas must be integer/);
  });

  it("labels every object with its endpoint, variant, runtime and manager, and names it after both", () => {
    const rendered = renderEndpoint(canary, config());
    expect(rendered.workloads.map((object) => `${object.kind}/${object.metadata?.name}`)).toEqual([
      "Deployment/fraud--fraud-v6",
      "Service/fraud--fraud-v6",
      "Deployment/fraud--fraud-v7",
      "Service/fraud--fraud-v7",
    ]);
    for (const object of rendered.workloads) {
      const variant = object.metadata?.name?.split("--")[1];
      expect(object.metadata?.labels).toEqual({
        "app.kubernetes.io/name": "onnx-runtime",
        "app.kubernetes.io/managed-by": "modelport",
        "modelport.dev/endpoint": "fraud",
        "modelport.dev/variant": variant,
      });
      expect(object.metadata?.annotations).toEqual({
        "modelport.dev/endpoint": "fraud",
        "modelport.dev/variant": variant,
        ...(object.kind === "Deployment" ? { "modelport.dev/instance-type": "k8s-onnx" } : {}),
      });
      expect(object.metadata?.namespace).toBe("ml-serving");
    }
    expect(rendered.route.metadata?.name).toBe("fraud");
    expect(rendered.route.metadata?.labels).toEqual({
      "app.kubernetes.io/managed-by": "modelport",
      "modelport.dev/endpoint": "fraud",
    });
    expect(deploymentOf(llm).spec?.template.metadata?.labels?.["app.kubernetes.io/name"]).toBe("vllm");
  });

  it("gives each endpoint its own objects and immutable selector when two serve the same version", () => {
    const staging = renderEndpoint({ ...canary, endpointName: "fraud-detector-staging-kubernetes" }, config());
    const production = renderEndpoint({ ...canary, endpointName: "fraud-detector-production-kubernetes" }, config());
    const names = (rendered: typeof staging) =>
      [...rendered.workloads, rendered.route].map((object) => `${object.kind}/${object.metadata?.name}`);
    expect(names(staging).filter((name) => names(production).includes(name))).toEqual([]);
    const selector = (rendered: typeof staging) =>
      rendered.workloads.find((object) => object.kind === "Deployment")?.spec?.selector;
    expect(selector(staging)).not.toEqual(selector(production));
  });

  it("derives valid names and label values from long or unusual registry names, keeping the exact ones in annotations", () => {
    const endpointName = `Restaurant_Recommendation.two-tower-retrieval-${"x".repeat(60)}-production-kubernetes`;
    const variantName = `restaurant-recommendation-two-tower-retrieval-${"x".repeat(40)}-v12`;
    const rendered = renderEndpoint(
      { endpointName, variants: [onnxVariant({ variantName, weight: 100 })] },
      config({
        onnx: {
          image: "registry.example.test/onnx:1.0",
          autoscaling: { maxReplicas: 4, targetCpuUtilizationPercent: 70 },
        },
      }),
    );
    for (const object of [...rendered.workloads, rendered.route]) {
      expect(() => validate(object), `${object.kind} ${object.metadata?.name}`).not.toThrow();
      expect(object.metadata?.name).toMatch(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
      for (const value of Object.values(object.metadata?.labels ?? {})) expect(value.length).toBeLessThanOrEqual(63);
      expect(object.metadata?.annotations?.["modelport.dev/endpoint"]).toBe(endpointName);
    }
    const deployment = rendered.workloads.find((object) => object.kind === "Deployment");
    const autoscaler = rendered.workloads.find((object) => object.kind === "HorizontalPodAutoscaler");
    expect(deployment?.metadata?.annotations?.["modelport.dev/variant"]).toBe(variantName);
    expect(autoscaler?.spec).toMatchObject({ scaleTargetRef: { name: deployment?.metadata?.name } });
    expect(rendered.route.spec.rules?.[0]?.backendRefs?.[0]?.name).toBe(deployment?.metadata?.name);
    expect(rendered.route.spec.rules?.[0]?.matches?.[0]?.path?.value).toBe(`/endpoints/${endpointName}`);
  });

  it("routes traffic to each variant's Service by its weight through the configured gateway", () => {
    const route = renderEndpoint(canary, config()).route;
    expect(route.spec.parentRefs).toEqual([
      { group: "gateway.networking.k8s.io", kind: "Gateway", name: "inference", namespace: "gateways" },
    ]);
    const rule = route.spec.rules?.[0];
    expect(rule?.matches).toEqual([{ path: { type: "PathPrefix", value: "/endpoints/fraud" } }]);
    expect(rule?.backendRefs).toEqual([
      { kind: "Service", name: "fraud--fraud-v6", port: 80, weight: 90 },
      { kind: "Service", name: "fraud--fraud-v7", port: 80, weight: 10 },
    ]);
    expect(JSON.parse(route.metadata?.annotations?.["modelport.dev/backends"] ?? "")).toEqual({
      "fraud--fraud-v6": "fraud-v6",
      "fraud--fraud-v7": "fraud-v7",
    });
  });

  it("runs ONNX variants from the configured image with the registry's model path, probes and CPU resources", () => {
    const deployment = deploymentOf({ endpointName: "fraud", variants: [onnxVariant({ instanceCount: 3 })] });
    const container = serverContainer(deployment);
    expect(container.image).toBe("registry.example.test/modelport/onnx-runtime:1.4.2");
    expect(container.ports).toEqual([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    expect(container.env).toContainEqual({
      name: "MODELPORT_MODEL_PATH",
      value: "/models/fraud-detector/7/model.onnx",
    });
    expect(container.resources).toEqual({
      requests: { cpu: "500m", memory: "1Gi" },
      limits: { cpu: "2", memory: "2Gi" },
    });
    expect(container.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(deployment.spec?.replicas).toBe(3);
    expect(deployment.spec?.template.spec?.terminationGracePeriodSeconds).toBe(30);
    expect(deployment.spec?.template.spec?.volumes).toContainEqual({
      name: "model",
      persistentVolumeClaim: { claimName: "model-store", readOnly: true },
    });
    expect(deployment.spec?.template.metadata?.annotations?.["modelport.dev/artifact-sha256"]).toBe(SHA);
  });

  it("leaves the replica count to the autoscaler when ONNX autoscaling is configured", () => {
    const configured = config({
      onnx: {
        image: "registry.example.test/onnx:1.0",
        autoscaling: { maxReplicas: 6, targetCpuUtilizationPercent: 65 },
      },
    });
    const spec = { endpointName: "fraud", variants: [onnxVariant({ instanceCount: 2 })] };
    const rendered = renderEndpoint(spec, configured);
    const autoscaler = rendered.workloads.find((object) => object.kind === "HorizontalPodAutoscaler");
    expect(autoscaler?.spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "fraud--fraud-v7" },
      minReplicas: 2,
      maxReplicas: 6,
    });
    expect(deploymentOf(spec, configured).spec).not.toHaveProperty("replicas");
    expect(renderEndpoint(llm, configured).workloads.map((object) => object.kind)).toEqual(["Deployment", "Service"]);
  });

  it("starts vLLM's OpenAI server on the registry's model with bounded GPU memory and GPU limits", () => {
    const deployment = deploymentOf(
      llm,
      config({ vllm: { image: "registry.example.test/vllm:v0.11.0", gpuMemoryUtilization: 0.92, maxModelLen: 8192 } }),
    );
    const container = serverContainer(deployment);
    expect(container.args).toEqual([
      "--model",
      "/models/support-llm/3",
      "--served-model-name",
      "support-chat",
      "--host",
      "0.0.0.0",
      "--port",
      "8000",
      "--gpu-memory-utilization",
      "0.92",
      "--max-model-len",
      "8192",
      "--tensor-parallel-size",
      "2",
      "--max-num-seqs",
      "256",
      "--enable-chunked-prefill",
    ]);
    expect(container.args).not.toContain("--trust-remote-code");
    expect(container.resources?.limits?.["nvidia.com/gpu"]).toBe("2");
    expect(container.resources?.requests?.["nvidia.com/gpu"]).toBe("2");
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe])
      expect(probe?.httpGet?.path).toBe("/health");
    expect(deployment.spec?.template.spec?.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
    expect(deployment.spec?.template.spec?.volumes).toContainEqual({
      name: "dshm",
      emptyDir: { medium: "Memory", sizeLimit: "8Gi" },
    });
    expect(deployment.spec?.template.spec?.terminationGracePeriodSeconds).toBe(120);
  });

  it("sizes the startup probe and the progress deadline to the weights the model reads", () => {
    const configured = config({ vllm: { image: "registry.example.test/vllm:v0.11.0", startupTimeoutSeconds: 60 } });
    const withWeights = (weightBytes: number) =>
      deploymentOf(
        { endpointName: "support-chat", variants: [vllmVariant({ llm: { shape: null, weightBytes } })] },
        configured,
      );
    // 16 GB at 200 MiB/s is 77 s, plus two minutes of engine start-up: 197 s, 20 probes 10 s apart.
    const llama = withWeights(16_060_522_496);
    expect(serverContainer(llama).startupProbe?.failureThreshold).toBe(20);
    expect(llama.spec?.progressDeadlineSeconds).toBe(1800);
    // 1 TiB of weights: 5243 s of reading; the Deployment is not declared stalled before the probe gives up.
    const huge = withWeights(1024 ** 4);
    expect(serverContainer(huge).startupProbe?.failureThreshold).toBe(537);
    expect(huge.spec?.progressDeadlineSeconds).toBe(5243 + 120 + 300);
    // Without a weight size (registered before it was recorded), the configured time.
    expect(serverContainer(deploymentOf(llm, configured)).startupProbe?.failureThreshold).toBe(6);
  });

  it("refuses a vLLM launch that would fail at start, before rendering anything", () => {
    // Llama-3-8B: 32 layers, 8 KV heads of 128, bfloat16, 8192 positions; 16 GB of weights.
    const shape = {
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      hidden_size: 4096,
      max_position_embeddings: 8192,
      torch_dtype: "bfloat16",
    };
    const variant = vllmVariant({ gpus: 1, llm: { shape, weightBytes: 16_060_522_496 } });
    const spec = { endpointName: "support-chat", variants: [variant] };
    const vllm = (settings: Partial<KubernetesTargetConfigInput["vllm"]>) =>
      config({ vllm: { image: "registry.example.test/vllm:v0.11.0", ...settings } });
    expect(renderEndpoint(spec, vllm({ gpuMemoryGiB: 24 })).workloads).toHaveLength(2);
    expect(() => renderEndpoint(spec, vllm({ gpuMemoryGiB: 16 }))).toThrow(
      /Variant "support-llm-v3" would not start on vLLM: The weights \(15\.0 GiB per GPU over 1\) leave no room/,
    );
    expect(() => renderEndpoint(spec, vllm({ gpuMemoryGiB: 24, maxModelLen: 16_384 }))).toThrow(
      /--max-model-len 16384 is longer than the model's 8192 positions/,
    );
    expect(() => renderEndpoint(spec, vllm({ gpuMemoryGiB: 24, tensorParallelSize: 2 }))).toThrow(
      /--tensor-parallel-size 2 needs 2 GPUs a replica, and the replica gets 1/,
    );
    expect(() =>
      renderEndpoint(spec, vllm({ gpuMemoryGiB: 24, maxNumBatchedTokens: 4096, chunkedPrefill: false })),
    ).toThrow(/--max-num-batched-tokens 4096 is below --max-model-len 8192 without chunked prefill/);
    // A version without a recorded shape is still held to the limits that need none.
    const unshaped = { endpointName: "support-chat", variants: [vllmVariant({ gpus: 1 })] };
    expect(() => renderEndpoint(unshaped, vllm({ maxNumSeqs: 512, maxNumBatchedTokens: 256 }))).toThrow(
      /--max-num-batched-tokens 256 is below --max-num-seqs 512/,
    );
  });

  it("uses the configured default GPU count and omits optional vLLM flags", () => {
    const container = serverContainer(
      deploymentOf({ endpointName: "support-chat", variants: [vllmVariant({ gpus: undefined })] }),
    );
    expect(container.resources?.limits?.["nvidia.com/gpu"]).toBe("1");
    expect(container.args).toContain("0.9");
    expect(container.args).not.toContain("--max-model-len");
    expect(container.args).not.toContain("--tensor-parallel-size");
  });
});

describe("security of rendered workloads", () => {
  const workloads: Array<[string, IDeployment]> = [
    ["ONNX", deploymentOf(canary)],
    ["vLLM", deploymentOf(llm)],
    [
      "ONNX with download",
      deploymentOf(
        { endpointName: "fraud", variants: [onnxVariant({ artifactUri: "https://artifacts.example.test/a/m.onnx" })] },
        downloadConfig,
      ),
    ],
  ];

  it.each(workloads)("%s never passes --trust-remote-code anywhere", (_name, deployment) => {
    expect(JSON.stringify(deployment)).not.toMatch(/trust-remote-code/);
  });

  it.each(workloads)("%s pods stay off the host network and run as a non-root user", (_name, deployment) => {
    const pod = deployment.spec?.template.spec;
    expect(pod?.hostNetwork).toBe(false);
    expect(pod?.hostPID).toBe(false);
    expect(pod?.hostIPC).toBe(false);
    expect(pod?.automountServiceAccountToken).toBe(false);
    expect(pod?.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 10001,
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it.each(workloads)(
    "%s containers drop every capability, cannot escalate and have read-only roots",
    (_name, deployment) => {
      const containers = containersOf(deployment);
      expect(containers.length).toBeGreaterThan(0);
      for (const container of containers) {
        expect(container.securityContext).toEqual({
          runAsNonRoot: true,
          runAsUser: 10001,
          runAsGroup: 10001,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ["ALL"] },
        });
        expect(container.resources?.requests).toBeDefined();
      }
    },
  );
});

describe("model volume", () => {
  it("downloads into an emptyDir with an init container that checks the registry's SHA-256", () => {
    const deployment = deploymentOf(
      {
        endpointName: "fraud",
        variants: [onnxVariant({ artifactUri: "https://artifacts.example.test/api/v1/artifacts/42/model.onnx" })],
      },
      downloadConfig,
    );
    const pod = deployment.spec?.template.spec;
    const init = pod?.initContainers?.[0];
    expect(init?.image).toBe("registry.example.test/curl:8.10.1");
    expect(init?.command?.[2]).toContain("sha256sum -c");
    expect(init?.env).toEqual(
      expect.arrayContaining([
        { name: "ARTIFACT_URL", value: "https://artifacts.example.test/api/v1/artifacts/42/model.onnx" },
        { name: "ARTIFACT_SHA256", value: SHA },
        { name: "ARTIFACT_TOKEN", valueFrom: { secretKeyRef: { name: "artifact-token", key: "token" } } },
      ]),
    );
    expect(pod?.volumes).toContainEqual({ name: "model", emptyDir: { sizeLimit: "20Gi" } });
    expect(serverContainer(deployment).env).toContainEqual({
      name: "MODELPORT_MODEL_PATH",
      value: "/models/model.onnx",
    });
    expect(serverContainer(deployment).volumeMounts).toContainEqual({
      name: "model",
      mountPath: "/models",
      readOnly: true,
    });
  });

  it("unpacks a vLLM model from a digest-addressed link, which names no archive", () => {
    const link = `https://portal.example.test/api/v1/artifacts/${SHA}/download?expires=1&signature=abc`;
    const deployment = deploymentOf(
      { endpointName: "support-chat", variants: [vllmVariant({ artifactUri: link })] },
      downloadConfig,
    );
    expect(serverContainer(deployment).args?.slice(0, 2)).toEqual(["--model", "/models/model"]);
    expect(deployment.spec?.template.spec?.initContainers?.[0]?.env).toEqual(
      expect.arrayContaining([
        { name: "UNPACK", value: "1" },
        { name: "ARTIFACT_URL", value: link },
      ]),
    );
  });

  it("unpacks a vLLM archive into a model directory", () => {
    const deployment = deploymentOf(
      {
        endpointName: "support-chat",
        variants: [vllmVariant({ artifactUri: "https://artifacts.example.test/a/llm.tar.gz" })],
      },
      downloadConfig,
    );
    expect(serverContainer(deployment).args?.slice(0, 2)).toEqual(["--model", "/models/model"]);
    expect(deployment.spec?.template.spec?.initContainers?.[0]?.env).toContainEqual({ name: "UNPACK", value: "1" });
  });
});

describe("specs the Kubernetes target refuses before calling the cluster", () => {
  const cases: Array<[string, EndpointSpec, ReturnType<typeof config>, RegExp]> = [
    [
      "weights that do not add up",
      { endpointName: "fraud", variants: [onnxVariant({ weight: 90 })] },
      config(),
      /add up to 100, got 90/,
    ],
    [
      "a fractional weight",
      {
        endpointName: "fraud",
        variants: [onnxVariant({ weight: 99.5 }), onnxVariant({ variantName: "b", weight: 0.5 })],
      },
      config(),
      /whole number/,
    ],
    ["no variants", { endpointName: "fraud", variants: [] }, config(), /at least one variant/],
    [
      "a duplicate variant",
      { endpointName: "fraud", variants: [onnxVariant({ weight: 50 }), onnxVariant({ weight: 50 })] },
      config(),
      /appears twice/,
    ],
    [
      "an endpoint name with characters a route path or model name cannot carry",
      { endpointName: "fraud detector/v2", variants: [onnxVariant()] },
      config(),
      /Endpoint name "fraud detector\/v2" must start with a letter or digit/,
    ],
    [
      "a CONTAINER model",
      { endpointName: "fraud", variants: [onnxVariant({ format: "CONTAINER" })] },
      config(),
      /not CONTAINER/,
    ],
    [
      "a vLLM variant without GPUs",
      { endpointName: "chat", variants: [vllmVariant({ gpus: 0 })] },
      config(),
      /at least 1/,
    ],
    [
      "GPUs for an ONNX variant",
      { endpointName: "fraud", variants: [onnxVariant({ gpus: 1 })] },
      config(),
      /run on CPU/,
    ],
    [
      "a path escaping the model claim",
      { endpointName: "fraud", variants: [onnxVariant({ artifactUri: "../secrets/model.onnx" })] },
      config(),
      /path inside it/,
    ],
    [
      "a URL with a model claim",
      { endpointName: "fraud", variants: [onnxVariant({ artifactUri: "s3://bucket/model.onnx" })] },
      config(),
      /path inside it/,
    ],
    ["a non-URL with downloads", { endpointName: "fraud", variants: [onnxVariant()] }, downloadConfig, /http\(s\) URL/],
    [
      "an unknown instance type",
      { endpointName: "fraud", variants: [onnxVariant({ instanceType: "huge" })] },
      config(),
      /unknown instance type "huge"/,
    ],
  ];

  it.each(cases)("%s", (_name, spec, configured, message) => {
    expect(() => renderEndpoint(spec, configured)).toThrow(
      expect.objectContaining({ name: "AppError", code: "BAD_REQUEST", message: expect.stringMatching(message) }),
    );
  });

  it("sizes a variant from the resource profile its instance type names", () => {
    const configured = config({
      resourceProfiles: { large: { requests: { cpu: "4", memory: "8Gi" }, limits: { cpu: "8", memory: "16Gi" } } },
    });
    const deployment = deploymentOf(
      { endpointName: "fraud", variants: [onnxVariant({ instanceType: "large" })] },
      configured,
    );
    expect(serverContainer(deployment).resources).toEqual({
      requests: { cpu: "4", memory: "8Gi" },
      limits: { cpu: "8", memory: "16Gi" },
    });
  });
});
