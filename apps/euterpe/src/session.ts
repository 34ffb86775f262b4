/**
 * Sessions live in an encrypted, signed cookie (the shared cookie session,
 * with the CSRF secret of the forms). The cookie keys derive from SECRET_KEY
 * and, during a rotation, from SECRET_KEY_PREVIOUS: cookies under the
 * previous key are still read and are written back under the new one.
 */
import { hkdfSync } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Env } from "./env.js";
import { registerCookieSession } from "./shared/web/session.js";

/** Why a visitor without a login sees the login page: shown there, and `signed_out` makes Spotify ask again. */
export type LoginNotice = "signed_out" | "login_again";

declare module "@fastify/secure-session" {
  interface SessionData {
    /** The logged-in user's id in the users table. */
    userId: string;
    /** The OAuth state /login/spotify sent to Spotify, checked once by /callback. */
    oauthState: string;
    /** Set when a login ended; cleared by the next login. */
    notice: LoginNotice;
    /** @fastify/csrf-protection's secret for this browser's forms. */
    _csrf: string;
  }
}

export const SESSION_COOKIE = "euterpe_session";
/** How long a login lasts, across browser restarts. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** A 32-byte secretbox key from a configured secret. */
export function sessionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), "euterpe", "session-cookie-v1", 32));
}

/** The session and its CSRF protection: routes check with `app.csrfProtection` and fill forms with `reply.generateCsrf()`. */
export async function registerSession(
  app: FastifyInstance,
  env: Pick<Env, "SECRET_KEY" | "SECRET_KEY_PREVIOUS" | "NODE_ENV">,
): Promise<void> {
  const secrets = [env.SECRET_KEY, env.SECRET_KEY_PREVIOUS].filter((secret): secret is string => secret !== undefined);
  await registerCookieSession(app, {
    keys: secrets.map(sessionKey),
    cookieName: SESSION_COOKIE,
    maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
    secure: env.NODE_ENV === "production",
  });
}

export function sessionUserId(request: FastifyRequest): string | undefined {
  const userId = request.session.get("userId");
  return typeof userId === "string" && userId !== "" ? userId : undefined;
}

export function loginNotice(request: FastifyRequest): LoginNotice | undefined {
  return request.session.get("notice");
}

/** The user is logged in from now on; whatever the previous login left behind is dropped. */
export function startSession(request: FastifyRequest, userId: string): void {
  request.session.regenerate();
  request.session.set("userId", userId);
}

/**
 * Forgets the login, its OAuth state and its form secret. With a notice the
 * cookie stays, carrying only that notice for the login page; without one the
 * cookie is cleared.
 */
export function endSession(request: FastifyRequest, notice?: LoginNotice): void {
  if (notice === undefined) {
    request.session.delete();
    return;
  }
  request.session.regenerate();
  request.session.set("notice", notice);
}
