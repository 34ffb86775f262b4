/**
 * Runs before every request Next.js serves (pages, route handlers, static
 * files, 404s):
 *  - security headers on every answer, with a fresh script nonce that Next.js
 *    reads from the request's CSP and puts on the scripts it renders;
 *  - `/api/*` served by threads-api when same-site proxying is on;
 *  - a 400 naming the parameter for a bad query on a paged list;
 *  - the status of the pages that stand for one (503 outage, 400).
 */
import { NextResponse, type NextRequest } from "next/server.js";
import { LISTINGS, parseListingQuery } from "./lib/listing-query.js";
import { runtimeEnv } from "./lib/runtime-env.js";
import { securityHeaders } from "./lib/security-headers.js";

/** Seconds a person (or a client) should wait before trying an unavailable page again. */
export const RETRY_AFTER_SECONDS = 30;

/** Pages that are answers in themselves: they carry their status. */
const STATUS_PAGES: Readonly<Record<string, number>> = { "/unavailable": 503, "/bad-request": 400 };

export function proxy(request: NextRequest): NextResponse {
  const env = runtimeEnv();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const headers = securityHeaders({
    apiOrigin: new URL(env.NEXT_PUBLIC_API_BASE_URL).origin,
    nonce,
    indexable: env.APP_ENV === "production",
    https: env.SITE_URL.startsWith("https:"),
    devServer: process.env.NODE_ENV === "development",
  });
  const response = route(request, env.API_SAME_SITE_PROXY ? env.NEXT_PUBLIC_API_BASE_URL : undefined, headers["content-security-policy"] ?? "");
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

function route(request: NextRequest, apiProxyBase: string | undefined, csp: string): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (apiProxyBase !== undefined && pathname.startsWith("/api/")) {
    return NextResponse.rewrite(new URL(`${pathname}${search}`, `${apiProxyBase}/`));
  }
  // Next.js finds the nonce in the request's CSP.
  const forwarded = new Headers(request.headers);
  forwarded.set("content-security-policy", csp);

  const listing = LISTINGS[pathname as keyof typeof LISTINGS];
  if (listing !== undefined) {
    const parsed = parseListingQuery(listing, request.nextUrl.searchParams);
    if (!parsed.ok) {
      const target = new URL(`/bad-request?parameter=${encodeURIComponent(parsed.parameter)}`, request.url);
      return NextResponse.rewrite(target, { status: 400, request: { headers: forwarded } });
    }
  }
  const status = STATUS_PAGES[pathname];
  if (status !== undefined) {
    const response = NextResponse.rewrite(request.nextUrl, { status, request: { headers: forwarded } });
    if (status === 503) response.headers.set("retry-after", String(RETRY_AFTER_SECONDS));
    return response;
  }
  return NextResponse.next({ request: { headers: forwarded } });
}
