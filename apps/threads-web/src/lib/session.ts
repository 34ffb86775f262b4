/**
 * Server components of the signed-in pages read their data through here: the
 * browser's cookies are forwarded to the API, and whatever keeps the page
 * from rendering becomes a redirect — to sign-in (no session at all), to
 * /auth/refresh (the access token lapsed; it refreshes once and comes back)
 * or to /unavailable (the API is down).
 */
import { randomUUID } from "node:crypto";
import { headers } from "next/headers.js";
import { redirect } from "next/navigation.js";
import type { z } from "zod";
import { callApi, type ApiResult } from "./api/client.js";
import { hasSessionCookie } from "./cookies.js";
import { logger } from "./log.js";
import { withReturnTo } from "./return-to.js";
import { apiTarget } from "./runtime-env.js";

export interface Caller {
  readonly cookie: string;
  readonly requestId: string;
}

/** The browser's cookies and the request id dist/server.js gave this request. */
export async function currentCaller(): Promise<Caller> {
  const incoming = await headers();
  return { cookie: incoming.get("cookie") ?? "", requestId: incoming.get("x-request-id") ?? randomUUID() };
}

/** Whether the browser holds session cookies (they may still have expired): decides the header's links. */
export async function looksSignedIn(): Promise<boolean> {
  return hasSessionCookie((await currentCaller()).cookie);
}

export interface SessionApi {
  get<T>(path: string, schema: z.ZodType<T>, query?: Readonly<Record<string, string | number>>): Promise<T>;
}

/**
 * An API reader for a page at `returnTo` (its path and query). Without any
 * session cookie the person goes straight to sign-in.
 */
export async function sessionApi(returnTo: string): Promise<SessionApi> {
  const caller = await currentCaller();
  if (!hasSessionCookie(caller.cookie)) redirect(withReturnTo("/signin", returnTo));
  return {
    async get(path, schema, query) {
      const result = await callApi(apiTarget(), { path, query, schema, cookie: caller.cookie, requestId: caller.requestId });
      return dataOrRedirect(result, path, returnTo, caller.requestId);
    },
  };
}

function dataOrRedirect<T>(result: ApiResult<T>, path: string, returnTo: string, requestId: string): T {
  if (result.ok) return result.data;
  switch (result.kind) {
    case "unauthenticated":
      redirect(withReturnTo("/auth/refresh", returnTo));
    case "unavailable":
      logger().warn({ request_id: requestId, reason: result.reason }, "threads-api unavailable");
      redirect(withReturnTo("/unavailable", returnTo));
    case "rejected":
      // The site built this request itself: a rejection is a bug here or a contract change.
      throw new Error(`threads-api rejected GET ${path}: ${result.status} ${result.code}`);
  }
}
