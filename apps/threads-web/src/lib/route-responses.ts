/**
 * What the site's own route handlers (refresh, sign-out, delete) answer: a
 * 303 to a page of the site, carrying the API's Set-Cookie lines unchanged so
 * the browser's session follows the API's decision.
 */

/** Relative Location: the browser stays on whichever host it used. */
export function seeOther(location: string, setCookies: readonly string[] = []): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  for (const line of setCookies) headers.append("set-cookie", line);
  return new Response(null, { status: 303, headers });
}

/**
 * Cross-site form posts are refused: the browser must say the form came from
 * this site (Origin, or Sec-Fetch-Site where a browser omits Origin).
 */
export function isSameOrigin(request: Request, siteOrigin: string): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) return origin === siteOrigin;
  return request.headers.get("sec-fetch-site") === "same-origin";
}

export function forbiddenCrossSite(siteOrigin: string): Response {
  return new Response(`Forbidden: this form must be sent from a page of ${siteOrigin}.\n`, {
    status: 403,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}
