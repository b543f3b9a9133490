import { assertMayChange, ownerOfAsyncInvocation } from "@/server/auth/ownership";
import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";
import { systemContextFromEnv } from "@/server/context-from-env";
import { AppError } from "@/server/errors";
import { handleWithRequestId } from "@/server/logging/request-log";
import { errorResponse } from "@/server/rest/responses";
import { asyncInvocationResult } from "@/server/services/async-inference/invocations";

export const dynamic = "force-dynamic";

/** An invocation's result for its endpoint's team in the browser (pipelines use GET /api/v1/async-invocations/{id}/result). */
export function GET(request: Request, { params }: { params: Promise<{ invocationId: string }> }) {
  return handleWithRequestId(request, async () => {
    try {
      const user = await currentUser();
      if (!user) throw new AppError("UNAUTHORIZED", "Sign in to download results");
      if (!can(user.role, "endpoints:invoke"))
        throw new AppError("FORBIDDEN", `Your role (${user.role}) may not do this`);
      const { invocationId } = await params;
      const system = systemContextFromEnv();
      const actor = { userId: user.id, role: user.role, teamId: user.teamId };
      assertMayChange(actor, await ownerOfAsyncInvocation(system, invocationId));
      return await asyncInvocationResult(system, { invocationId });
    } catch (error) {
      return errorResponse(error);
    }
  });
}
