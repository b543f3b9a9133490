import type { IContainer, IVolume, IVolumeMount } from "kubernetes-models/v1";
import { badRequest } from "@/server/errors";
import type { VariantSpec } from "@/server/integrations/targets/deployment-target";
import type { KubernetesTargetConfig } from "@/server/integrations/kubernetes/config";
import { containerSecurityContext } from "@/server/integrations/kubernetes/security";

export const MODEL_VOLUME = "model";
const DOWNLOAD_DIR = "/models";

export type ModelVolume = {
  volumes: IVolume[];
  initContainers: IContainer[];
  mount: IVolumeMount;
  /** Where the serving container finds the model: a file for ONNX, a directory for vLLM. */
  modelPath: string;
};

const ARCHIVE = /\.(tar|tar\.gz|tgz)$/;

/*
 * Downloads to a temporary name, checks the registry's SHA-256, then unpacks archives (vLLM models are directories)
 * or renames the single file into place. Inputs arrive as environment variables, never spliced into the script.
 */
const DOWNLOAD_SCRIPT = [
  "set -eu",
  'auth=""',
  'if [ -n "${ARTIFACT_TOKEN:-}" ]; then auth="Authorization: Bearer ${ARTIFACT_TOKEN}"; fi',
  'curl --fail --silent --show-error --location --retry 5 ${auth:+--header "$auth"} --output "$MODEL_DIR/.download" "$ARTIFACT_URL"',
  'echo "$ARTIFACT_SHA256  $MODEL_DIR/.download" | sha256sum -c -',
  'if [ "$UNPACK" = "1" ]; then mkdir -p "$MODEL_PATH" && tar -xf "$MODEL_DIR/.download" -C "$MODEL_PATH" && rm "$MODEL_DIR/.download";',
  'else mv "$MODEL_DIR/.download" "$MODEL_PATH"; fi',
].join("\n");

function pvcModelPath(variant: VariantSpec, mountPath: string): string {
  const relative = variant.artifactUri.replace(/^\/+/, "");
  if (
    /^[a-z][a-z0-9+.-]*:/i.test(variant.artifactUri) ||
    relative.split("/").some((part) => part === ".." || part === "")
  ) {
    throw badRequest(
      `Variant "${variant.variantName}": with a model volume claim the artifact must be a path inside it, got "${variant.artifactUri}"`,
    );
  }
  return `${mountPath.replace(/\/+$/, "")}/${relative}`;
}

function pvcVolume(variant: VariantSpec, claimName: string, mountPath: string): ModelVolume {
  return {
    volumes: [{ name: MODEL_VOLUME, persistentVolumeClaim: { claimName, readOnly: true } }],
    initContainers: [],
    mount: { name: MODEL_VOLUME, mountPath, readOnly: true },
    modelPath: pvcModelPath(variant, mountPath),
  };
}

/**
 * A vLLM model is a directory, so its artifact is always a tar archive (plain or gzipped; tar detects which). An ONNX
 * model is one file unless its URL names an archive. Registry download URLs are addressed by digest and carry no file
 * name, which is why the format decides rather than the URL.
 */
function downloadedModelPath(variant: VariantSpec): { modelPath: string; unpack: boolean } {
  const pathname = new URL(variant.artifactUri).pathname;
  if (variant.format === "VLLM" || ARCHIVE.test(pathname)) return { modelPath: `${DOWNLOAD_DIR}/model`, unpack: true };
  return { modelPath: `${DOWNLOAD_DIR}/model.onnx`, unpack: false };
}

function downloadVolume(
  variant: VariantSpec,
  volume: Extract<KubernetesTargetConfig["modelVolume"], { kind: "download" }>,
  runAsUser: number,
): ModelVolume {
  if (!/^https?:\/\//.test(variant.artifactUri)) {
    throw badRequest(
      `Variant "${variant.variantName}": the artifact must be an http(s) URL of the artifact store, got "${variant.artifactUri}"`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(variant.artifactSha256)) {
    throw badRequest(`Variant "${variant.variantName}": the artifact's SHA-256 must be 64 lower-case hex digits`);
  }
  const { modelPath, unpack } = downloadedModelPath(variant);
  const tokenEnv = volume.tokenSecret
    ? [
        {
          name: "ARTIFACT_TOKEN",
          valueFrom: { secretKeyRef: { name: volume.tokenSecret.name, key: volume.tokenSecret.key } },
        },
      ]
    : [];
  return {
    volumes: [{ name: MODEL_VOLUME, emptyDir: { sizeLimit: volume.sizeLimit } }],
    initContainers: [
      {
        name: "fetch-model",
        image: volume.downloaderImage,
        command: ["/bin/sh", "-c", DOWNLOAD_SCRIPT],
        env: [
          { name: "ARTIFACT_URL", value: variant.artifactUri },
          { name: "ARTIFACT_SHA256", value: variant.artifactSha256 },
          { name: "MODEL_DIR", value: DOWNLOAD_DIR },
          { name: "MODEL_PATH", value: modelPath },
          { name: "UNPACK", value: unpack ? "1" : "0" },
          ...tokenEnv,
        ],
        volumeMounts: [{ name: MODEL_VOLUME, mountPath: DOWNLOAD_DIR }],
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
        securityContext: containerSecurityContext(runAsUser),
      },
    ],
    mount: { name: MODEL_VOLUME, mountPath: DOWNLOAD_DIR, readOnly: true },
    modelPath,
  };
}

export function modelVolume(variant: VariantSpec, config: KubernetesTargetConfig): ModelVolume {
  const volume = config.modelVolume;
  return volume.kind === "pvc"
    ? pvcVolume(variant, volume.claimName, volume.mountPath)
    : downloadVolume(variant, volume, config.runAsUser);
}
