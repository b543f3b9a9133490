import { open, stat } from "node:fs/promises";
import type { ArtifactSource } from "@/server/integrations/sagemaker/model-artifacts";

const isMissingFile = (error: unknown) => error instanceof Error && "code" in error && error.code === "ENOENT";

/** Artifacts as files on this machine, e.g. the local content-addressed store's blobs (`blobPath(sha256)`). */
export function fileArtifactSource(pathOf: (sha256: string) => string): ArtifactSource {
  return {
    size: async (sha256) => {
      try {
        return (await stat(pathOf(sha256))).size;
      } catch (error) {
        if (isMissingFile(error)) return undefined;
        throw error;
      }
    },
    // Opening before streaming makes a vanished file fail here, not halfway through a request.
    open: async (sha256) => (await open(pathOf(sha256))).createReadStream(),
  };
}
