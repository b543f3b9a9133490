import { z } from "zod";
import { SHA256_HEX } from "@/server/services/artifacts/artifact-store";
import { signedArtifactDownload } from "@/server/services/artifacts/signed-links";
import { defineSignedEndpoint, type Endpoint } from "@/server/rest/endpoint";

const blobParams = z.object({
  sha256: z.string().regex(SHA256_HEX, "must be 64 lower-case hex digits").meta({ description: "The blob's digest" }),
});

const signedLinkQuery = z.object({
  expires: z.string().max(32).meta({ description: "Unix time (seconds) after which the link is refused" }),
  signature: z.string().max(128).meta({ description: "base64url HMAC-SHA256 over the digest and `expires`" }),
});

export const artifactEndpoints: Endpoint[] = [
  defineSignedEndpoint(
    {
      method: "GET",
      path: "/artifacts/{sha256}/download",
      summary:
        "Download a blob by digest through a signed, expiring link (handed to model pods by the Kubernetes target)",
      tag: "Artifacts",
      access: "signed-link",
      params: blobParams,
      query: signedLinkQuery,
      response: z.string(),
      rawResponse: true,
    },
    ({ system, params, query }) => signedArtifactDownload(system, params.sha256, query),
  ),
];
