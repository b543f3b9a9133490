import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ManifestEntry } from "@/training/write-models";
import { systemContextFromEnv } from "@/server/context-from-env";
import type { Db } from "@/server/db/client";
import { uploadArtifact } from "@/server/services/artifacts/upload-artifact";
import { actingAs, type ServiceContext } from "@/server/services/context";
import { createRun, finishRun } from "@/server/services/experiments/runs";
import { createModel } from "@/server/services/registry/create-model";
import { registerVersion } from "@/server/services/registry/register-version";

/** A data scientist in a team of their own, acting through the same services the API calls. */
export async function benchActor(database: Db): Promise<ServiceContext> {
  const team = await database.team.create({ data: { name: "Bench team" } });
  const user = await database.user.create({
    data: { email: "bench-deploy@example.test", name: "Bench", role: "DATA_SCIENTIST", teamId: team.id },
  });
  return actingAs(
    { ...systemContextFromEnv(), db: database },
    { userId: user.id, role: user.role, teamId: user.teamId },
  );
}

/** Registers one version per manifest entry (real ONNX files from writeModels) under a new model. */
export async function registerBenchModel(
  ctx: ServiceContext,
  name: string,
  entries: ManifestEntry[],
  directory: string,
) {
  await createModel(ctx, { name, team: "Bench team", taskType: "CLASSIFICATION" });
  const versions: number[] = [];
  for (const entry of entries) {
    const run = await createRun(ctx, { experimentName: `${name}-training`, name: entry.name });
    const bytes = await readFile(path.join(directory, entry.file));
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(new Uint8Array(bytes));
        controller.close();
      },
    });
    await uploadArtifact(ctx, {
      runId: run.id,
      path: "model.onnx",
      contentType: "application/octet-stream",
      body,
      declaredBytes: bytes.length,
    });
    await finishRun(ctx, run.id, { status: "FINISHED" });
    const version = await registerVersion(ctx, name, {
      runId: run.id,
      artifactPath: "model.onnx",
      format: "ONNX",
      signature: entry.signature,
    });
    versions.push(version.version);
  }
  return versions;
}
