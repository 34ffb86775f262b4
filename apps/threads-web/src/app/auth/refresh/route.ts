/**
 * GET /auth/refresh?return_to=<path>: where a page sends the browser when the
 * API said its access token lapsed. Refreshes once with the refresh cookie,
 * checks the new session works, relays the API's Set-Cookie and goes back;
 * when the session cannot be renewed, the person lands on /session-expired.
 */
import type { NextRequest } from "next/server.js";
import { callApi } from "../../../lib/api/client.js";
import { meSchema, refreshedSchema } from "../../../lib/api/schemas.js";
import { REFRESH_COOKIE, applySetCookies, parseCookieHeader } from "../../../lib/cookies.js";
import { logger } from "../../../lib/log.js";
import { safeReturnTo, withReturnTo } from "../../../lib/return-to.js";
import { apiTarget } from "../../../lib/runtime-env.js";
import { seeOther } from "../../../lib/route-responses.js";

export const dynamic = "force-dynamic";

export async function GET(request: NextRequest): Promise<Response> {
  const returnTo = safeReturnTo(request.nextUrl.searchParams.get("return_to"));
  const cookie = request.headers.get("cookie") ?? "";
  if (!parseCookieHeader(cookie).has(REFRESH_COOKIE)) return seeOther(withReturnTo("/signin", returnTo));

  const target = apiTarget();
  const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
  const refreshed = await callApi(target, { method: "POST", path: "/api/v1/auth/refresh", cookie, requestId, schema: refreshedSchema });
  if (!refreshed.ok) {
    if (refreshed.kind === "unavailable") {
      logger().warn({ request_id: requestId, reason: refreshed.reason }, "threads-api unavailable");
      return seeOther(withReturnTo("/unavailable", returnTo));
    }
    logger().info({ request_id: requestId, code: refreshed.kind === "unauthenticated" ? refreshed.code : refreshed.status }, "session could not be refreshed");
    return seeOther(withReturnTo("/session-expired", returnTo), refreshed.kind === "unauthenticated" ? refreshed.setCookies : []);
  }

  // Once only: if the renewed session does not work either, do not send the page back here.
  const renewed = applySetCookies(cookie, refreshed.setCookies);
  const check = await callApi(target, { path: "/api/v1/me", cookie: renewed, requestId, schema: meSchema });
  if (!check.ok && check.kind === "unauthenticated") return seeOther(withReturnTo("/session-expired", returnTo), refreshed.setCookies);
  return seeOther(returnTo, refreshed.setCookies);
}
