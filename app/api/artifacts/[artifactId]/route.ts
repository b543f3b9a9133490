import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";
import { systemContextFromEnv } from "@/server/context-from-env";
import { AppError } from "@/server/errors";
import { handleWithRequestId } from "@/server/logging/request-log";
import { errorResponse } from "@/server/rest/responses";
import { artifactDownloadResponse } from "@/server/services/artifacts/download";

export const dynamic = "force-dynamic";

/** Artifact download for signed-in people in the browser (pipelines use GET /api/v1/artifacts/{id}/content). */
export function GET(request: Request, { params }: { params: Promise<{ artifactId: string }> }) {
  return handleWithRequestId(request, async () => {
    try {
      const user = await currentUser();
      if (!user) throw new AppError("UNAUTHORIZED", "Sign in to download artifacts");
      if (!can(user.role, "read")) throw new AppError("FORBIDDEN", `Your role (${user.role}) may not do this`);
      const { artifactId } = await params;
      return await artifactDownloadResponse(systemContextFromEnv(), artifactId);
    } catch (error) {
      return errorResponse(error);
    }
  });
}
