import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/server/env";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";

/** Where the artifact store keeps a blob's bytes, in this test file's ARTIFACT_ROOT. */
export const blobPathOf = (sha256: string) =>
  new LocalArtifactStore(path.resolve(env().ARTIFACT_ROOT)).blobPath(sha256);

/** Overwrites a blob with bytes that are not a model; answers how to put the original back. */
export async function spoilBlob(sha256: string) {
  const blob = blobPathOf(sha256);
  const original = await readFile(blob);
  await writeFile(blob, "these bytes are not a model");
  return () => writeFile(blob, original);
}
