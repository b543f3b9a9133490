import path from "node:path";
import { env } from "@/server/env";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";

let store: { root: string; instance: ArtifactStore } | undefined;

/** The configured artifact store (local filesystem under ARTIFACT_ROOT). */
export function artifactStore(): ArtifactStore {
  const root = path.resolve(env().ARTIFACT_ROOT);
  if (store?.root !== root) store = { root, instance: new LocalArtifactStore(root) };
  return store.instance;
}
