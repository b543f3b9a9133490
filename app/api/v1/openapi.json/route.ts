import { buildOpenApiDocument } from "@/server/rest/openapi";
import { allEndpoints } from "@/server/rest/endpoints";

export const dynamic = "force-static";

export function GET() {
  return Response.json(buildOpenApiDocument(allEndpoints));
}
