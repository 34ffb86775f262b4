/**
 * CSRF protection of the admin forms, by double submit: the page's forms
 * carry a token made from a secret that sits in a cookie, and a POST passes
 * only when its token matches the cookie's secret. The cookie is signed with
 * COOKIE_SECRET, so another site — or another app under the same domain,
 * which could set cookies for it — cannot plant a secret of its own and forge
 * a matching token. It is also SameSite=Strict (a cross-site form post does
 * not even carry it), httpOnly, limited to /admin, and Secure outside
 * development. Cloudflare Access alone does not stop CSRF: its cookie rides
 * along on a cross-site POST and Access adds the JWT to it.
 */
import fastifyCookie from "@fastify/cookie";
import fastifyCsrfProtection from "@fastify/csrf-protection";
import type { FastifyInstance } from "fastify";

export const CSRF_COOKIE = "steam_reviews_csrf";

export interface CsrfSettings {
  /** Newest first: the first signs, every one verifies (rotation without broken forms). */
  readonly cookieSecrets: readonly string[];
  /** Secure cookies need HTTPS; a developer's machine serves plain HTTP. */
  readonly secureCookie: boolean;
}

export async function registerCsrfProtection(server: FastifyInstance, settings: CsrfSettings): Promise<void> {
  await server.register(fastifyCookie, { secret: [...settings.cookieSecrets] });
  await server.register(fastifyCsrfProtection, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: "/admin", sameSite: "strict", httpOnly: true, secure: settings.secureCookie, signed: true },
    // Only the form field: the token never travels in a header a script could set.
    getToken: (request) => {
      const body = request.body as { _csrf?: unknown } | undefined;
      return typeof body?._csrf === "string" ? body._csrf : undefined;
    },
  });
}
