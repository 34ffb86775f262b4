/**
 * The browser session: the shared cookie session (encrypted, signed, no
 * server-side store) that holds the CSRF secret. SESSION_KEYS lists the keys
 * newest first, so a rotation keeps existing sessions (and the forms people
 * have open) valid.
 */
import type { FastifyInstance } from "fastify";
import type { Env } from "../env.js";
import { registerCookieSession } from "../shared/web/session.js";

export const SESSION_COOKIE = "shop_session";
/** A form left open for a week still posts. */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export async function registerSession(server: FastifyInstance, env: Pick<Env, "SESSION_KEYS" | "NODE_ENV">): Promise<void> {
  await registerCookieSession(server, {
    keys: env.SESSION_KEYS.map((hex) => Buffer.from(hex, "hex")),
    cookieName: SESSION_COOKIE,
    maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
    secure: env.NODE_ENV === "production",
  });
}
