/**
 * POST /auth/sign-out (the header's and account page's form): revokes the
 * session at the API and relays the API's cleared cookies, then shows the
 * landing page. Only from a page of this site.
 */
import { callApi } from "../../../lib/api/client.js";
import { logger } from "../../../lib/log.js";
import { withReturnTo } from "../../../lib/return-to.js";
import { apiTarget } from "../../../lib/runtime-env.js";
import { forbiddenCrossSite, isSameOrigin, seeOther } from "../../../lib/route-responses.js";

export async function POST(request: Request): Promise<Response> {
  const target = apiTarget();
  if (!isSameOrigin(request, target.siteOrigin)) return forbiddenCrossSite(target.siteOrigin);
  const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
  const result = await callApi(target, { method: "POST", path: "/api/v1/auth/logout", cookie: request.headers.get("cookie") ?? "", requestId, schema: null });
  if (result.ok || result.kind === "unauthenticated") return seeOther("/?signed_out=1", result.setCookies);
  if (result.kind === "unavailable") {
    logger().warn({ request_id: requestId, reason: result.reason }, "threads-api unavailable");
    return seeOther(withReturnTo("/unavailable", "/account"));
  }
  throw new Error(`threads-api rejected POST /api/v1/auth/logout: ${result.status} ${result.code}`);
}
