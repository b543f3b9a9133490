import { DATASET_UPLOAD_HEADER as UPLOAD_HEADER } from "@/contracts/batch-jobs";
import { actorOf } from "@/server/auth/actor";
import { currentUser } from "@/server/auth/current-user";
import { assertMayChange, ownerOfModel } from "@/server/auth/ownership";
import { can } from "@/server/auth/roles";
import { systemContextFromEnv } from "@/server/context-from-env";
import { AppError } from "@/server/errors";
import { handleWithRequestId } from "@/server/logging/request-log";
import { declaredLength } from "@/server/rest/declared-length";
import { errorResponse } from "@/server/rest/responses";
import { uploadDataset } from "@/server/services/batch/datasets";
import { actingAs } from "@/server/services/context";

export const dynamic = "force-dynamic";

/** Dataset upload for signed-in people in the browser (pipelines use POST /api/v1/models/{name}/datasets). */
export function POST(request: Request, { params }: { params: Promise<{ name: string }> }) {
  return handleWithRequestId(request, async () => {
    try {
      const user = await currentUser();
      if (!user) throw new AppError("UNAUTHORIZED", "Sign in to upload datasets");
      if (request.headers.get(UPLOAD_HEADER) !== "1")
        throw new AppError("FORBIDDEN", `Uploads from the browser must send the ${UPLOAD_HEADER} header`);
      if (!can(user.role, "models:write")) throw new AppError("FORBIDDEN", `Your role (${user.role}) may not do this`);
      const { name } = await params;
      const ctx = actingAs(systemContextFromEnv(), actorOf(user));
      assertMayChange(ctx.actor, await ownerOfModel(ctx, name));
      const fileName = new URL(request.url).searchParams.get("fileName");
      const dataset = await uploadDataset(ctx, {
        modelName: name,
        fileName,
        body: request.body,
        declaredBytes: declaredLength(request),
      });
      return Response.json(dataset, { status: 201 });
    } catch (error) {
      return errorResponse(error);
    }
  });
}
