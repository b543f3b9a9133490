import { createDispatcher } from "@/server/rest/dispatch";
import { allEndpoints } from "@/server/rest/endpoints";

const dispatch = createDispatcher(allEndpoints);

export function handle(request: Request) {
  return dispatch(request, new URL(request.url).pathname.replace(/^\/api\/v1/, ""));
}
