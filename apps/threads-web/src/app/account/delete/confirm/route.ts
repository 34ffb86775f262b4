/**
 * POST /account/delete/confirm (the form of /account/delete): deletes the
 * person's data through `DELETE /api/v1/me` and relays the API's cleared
 * cookies. Only from a page of this site, and only with the box ticked.
 */
import { z } from "zod";
import { callApi } from "../../../../lib/api/client.js";
import { logger } from "../../../../lib/log.js";
import { withReturnTo } from "../../../../lib/return-to.js";
import { apiTarget } from "../../../../lib/runtime-env.js";
import { forbiddenCrossSite, isSameOrigin, seeOther } from "../../../../lib/route-responses.js";

const confirmFormSchema = z.object({ confirm: z.literal("yes") });

export async function POST(request: Request): Promise<Response> {
  const target = apiTarget();
  if (!isSameOrigin(request, target.siteOrigin)) return forbiddenCrossSite(target.siteOrigin);
  const form = await request.formData().catch(() => new FormData());
  if (!confirmFormSchema.safeParse(Object.fromEntries(form)).success) return seeOther("/account/delete?error=unconfirmed");

  const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
  const result = await callApi(target, { method: "DELETE", path: "/api/v1/me", cookie: request.headers.get("cookie") ?? "", requestId, schema: null });
  if (result.ok) return seeOther("/goodbye", result.setCookies);
  switch (result.kind) {
    case "unauthenticated":
      // Refresh and come back to the confirm step: deleting needs a fresh yes.
      return seeOther(withReturnTo("/auth/refresh", "/account/delete"), result.setCookies);
    case "unavailable":
      logger().warn({ request_id: requestId, reason: result.reason }, "threads-api unavailable");
      return seeOther(withReturnTo("/unavailable", "/account/delete"));
    case "rejected":
      throw new Error(`threads-api rejected DELETE /api/v1/me: ${result.status} ${result.code}`);
  }
}
