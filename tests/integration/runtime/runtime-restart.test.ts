import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { rowObject, rowOf } from "@/training/dataset";
import { writeModels, type ManifestEntry } from "@/training/write-models";
import type { BuiltModel } from "@/training/catalog";
import { LocalRuntimeTarget } from "@/server/integrations/local-runtime";
import { postJson, startRuntime, temporaryDirectory } from "@/tests/integration/runtime/runtime-process";

let directory: Awaited<ReturnType<typeof temporaryDirectory>>;
let manifest: ManifestEntry[];
let models: BuiltModel[];

beforeAll(async () => {
  directory = await temporaryDirectory("modelport-runtime-state-");
  ({ manifest, models } = await writeModels(directory.directory));
}, 60_000);

afterAll(() => directory?.remove());

it("serves its endpoints again after a restart when RUNTIME_STATE_FILE is set", async () => {
  const stateFile = path.join(directory.directory, "state", "runtime.json");
  const entry = manifest.find((m) => m.name === "delivery-time-gbt")!;
  const first = await startRuntime({ RUNTIME_STATE_FILE: stateFile });
  const target = new LocalRuntimeTarget({ baseUrl: first.baseUrl, controlToken: first.controlToken });
  await target.apply({
    endpointName: "eta",
    variants: [
      {
        variantName: "eta-v1",
        modelName: entry.name,
        version: 1,
        format: "ONNX",
        artifactUri: path.join(directory.directory, entry.file),
        artifactSha256: entry.sha256,
        signature: entry.signature,
        weight: 100,
      },
    ],
  });
  await first.stop();

  const second = await startRuntime({ RUNTIME_STATE_FILE: stateFile, RUNTIME_CONTROL_TOKEN: first.controlToken });
  try {
    const restarted = new LocalRuntimeTarget({ baseUrl: second.baseUrl, controlToken: first.controlToken });
    expect(await restarted.waitUntilSettled("eta", { timeoutMs: 10_000, pollMs: 100 })).toMatchObject({
      status: "healthy",
    });
    const model = models.find((m) => m.name === "delivery-time-gbt")!;
    const { status, body } = await postJson(`${second.baseUrl}/v1/endpoints/eta/predict`, {
      row: rowObject(model.test, 0),
    });
    expect(status).toBe(200);
    const minutes = (body.predictions as Array<{ delivery_minutes: number }>)[0]!.delivery_minutes;
    expect(Math.abs(minutes - model.predict(rowOf(model.test, 0)))).toBeLessThan(1e-4);
  } finally {
    await second.stop();
  }
}, 60_000);
