import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { EndpointConfigInput } from "@/contracts/runtime-control";
import { onnxModel, TABULAR_SIGNATURE } from "@/tests/integration/support/model-artifacts";
import type { RunningRuntime } from "@/tests/integration/runtime/runtime-process";

/** Writes a small real ONNX model (inputs amount and hour) into `directory` and serves it as `endpoint`. */
export async function serveTabularEndpoint(
  runtime: RunningRuntime,
  directory: string,
  endpoint: string,
  extra: Partial<EndpointConfigInput> = {},
): Promise<void> {
  const bytes = onnxModel(7);
  const modelPath = path.join(directory, `${endpoint}.onnx`);
  await writeFile(modelPath, bytes);
  const config: EndpointConfigInput = {
    variants: [
      {
        variantName: "v1",
        modelPath,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        signature: TABULAR_SIGNATURE,
        weight: 100,
      },
    ],
    ...extra,
  };
  await putEndpoint(runtime, endpoint, config);
}

/** Creates or replaces an endpoint through the control API; anything but 2xx throws with the runtime's answer. */
export async function putEndpoint(runtime: RunningRuntime, endpoint: string, config: EndpointConfigInput) {
  const response = await fetch(`${runtime.baseUrl}/v1/control/endpoints/${endpoint}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${runtime.controlToken}`, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (!response.ok) throw new Error(`PUT ${endpoint} answered ${response.status}: ${await response.text()}`);
}
