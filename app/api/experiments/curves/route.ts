import { CURVE_STREAM_CONTENT_TYPE, curveStreamInput } from "@/contracts/curve-frames";
import { currentUser } from "@/server/auth/current-user";
import { can } from "@/server/auth/roles";
import { systemContextFromEnv } from "@/server/context-from-env";
import { AppError } from "@/server/errors";
import { assertValidText } from "@/server/http/text-hygiene";
import { handleWithRequestId } from "@/server/logging/request-log";
import { readJsonBody } from "@/server/rest/read-json-body";
import { errorResponse } from "@/server/rest/responses";
import { curveStream } from "@/server/services/experiments/curve-stream";
import { parseRequest } from "@/server/services/parse-input";
import { streamOf } from "@/lib/web-streams";

export const dynamic = "force-dynamic";

/** A thousand run ids take about 30 KB. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The compare page's metric curves for signed-in people: POST {runIds or selection, metricKeys, width, steps?} (a
 * thousand run ids do not fit a URL), answered with the binary stream of contracts/curve-frames.ts, run group by run
 * group.
 */
export function POST(request: Request) {
  return handleWithRequestId(request, async () => {
    try {
      const user = await currentUser();
      if (!user) throw new AppError("UNAUTHORIZED", "Sign in to compare runs");
      if (!can(user.role, "read")) throw new AppError("FORBIDDEN", `Your role (${user.role}) may not do this`);
      const body = await readJsonBody(request, MAX_BODY_BYTES);
      assertValidText(body, "the request");
      const input = parseRequest(curveStreamInput, body);
      const stream = await curveStream(systemContextFromEnv(), input);
      return new Response(streamOf(stream.body), {
        headers: {
          "content-type": CURVE_STREAM_CONTENT_TYPE,
          "cache-control": "private, no-store",
          etag: `"${stream.digest}"`,
          "x-curve-cache": stream.cached ? "hit" : "miss",
          "x-curve-points-per-series": String(stream.pointsPerSeries),
        },
      });
    } catch (error) {
      return errorResponse(error);
    }
  });
}
