import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "vitest";
import type { ManifestEntry } from "@/training/write-models";
import { db } from "@/server/db/client";
import { callApi } from "@/tests/integration/fixtures";

/** Registers a built ONNX model as a new version through the REST API, as a training pipeline would. */
export async function registerThroughApi(token: string, modelName: string, entry: ManifestEntry, directory: string) {
  const run = await callApi("POST", "/runs", {
    token,
    json: { experimentName: `${modelName}-training`, name: entry.name },
  });
  const runId = run.json.id as string;
  await callApi("POST", `/runs/${runId}/log`, {
    token,
    json: { metrics: Object.entries(entry.metrics).map(([key, value]) => ({ key, value, step: 0 })) },
  });
  const bytes = await readFile(path.join(directory, entry.file));
  const upload = await callApi("POST", `/runs/${runId}/artifacts?path=model.onnx`, {
    token,
    body: bytes,
    headers: { "content-type": "application/octet-stream" },
  });
  expect(upload.status).toBe(201);
  await callApi("POST", `/runs/${runId}/finish`, { token, json: { status: "FINISHED" } });
  const version = await callApi("POST", `/models/${modelName}/versions`, {
    token,
    json: { runId, artifactPath: "model.onnx", format: "ONNX", signature: entry.signature },
  });
  expect(version.status).toBe(201);
  return version.json.version as number;
}

/** Waits until the deployment has finished, one way or the other; `context` is added to the message on timeout. */
export async function settled(deploymentId: string, context: () => string = () => "") {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const deployment = await db().deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    // A deployment waiting for a person's decision will not move on by itself either.
    if (["SUCCEEDED", "ROLLED_BACK", "FAILED", "AWAITING_DECISION"].includes(deployment.status)) return deployment;
    if (Date.now() > deadline) throw new Error(`Deployment still ${deployment.status} after 60 s\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Predicts on an endpoint back to back until stopped, so that a canary's bake has requests to judge (a bake with too
 * few requests asks for a decision instead of passing). Errors (an endpoint not there yet) are expected and ignored.
 */
export function keepPredicting(runtimeUrl: string, endpointName: string, row: Record<string, number>) {
  let running = true;
  const loop = (async () => {
    while (running) {
      await fetch(`${runtimeUrl}/v1/endpoints/${endpointName}/predict`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ row }),
      }).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}
