import path from "node:path";
import type { ArtifactStore } from "@/server/services/artifacts/artifact-store";
import { LocalArtifactStore } from "@/server/services/artifacts/local-artifact-store";

let store: { root: string; instance: ArtifactStore } | undefined;

/** The local filesystem store under `root`, one instance per root. */
export function localArtifactStore(root: string): ArtifactStore {
  const resolved = path.resolve(root);
  if (store?.root !== resolved) store = { root: resolved, instance: new LocalArtifactStore(resolved) };
  return store.instance;
}
