import { createDispatcher } from "@/server/rest/dispatch";
import { allEndpoints } from "@/server/rest/endpoints";

export const dynamic = "force-dynamic";

const dispatch = createDispatcher(allEndpoints);

async function handle(request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const { path } = await params;
  return dispatch(request, "/" + path.map(encodeURIComponent).join("/"));
}

export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE };
