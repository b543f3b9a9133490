import { handleTrpcRequest } from "@/server/api/http-handler";
import { createTrpcContext } from "@/server/api/trpc";

export const dynamic = "force-dynamic";

function handler(request: Request) {
  return handleTrpcRequest(request, () => createTrpcContext({ req: request }));
}

export { handler as GET, handler as POST };
