/**
 * The browser session: an encrypted, signed cookie (no server-side store)
 * that holds the CSRF secret. SESSION_KEYS lists the keys newest first: the
 * first encrypts, every one decrypts, so a rotation keeps existing sessions
 * (and the forms people have open) valid.
 */
import csrfProtection from "@fastify/csrf-protection";
import secureSession from "@fastify/secure-session";
import type { FastifyInstance } from "fastify";
import type { Env } from "../env.js";

export const SESSION_COOKIE = "shop_session";
/** A form left open for a week still posts. */
export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export async function registerSession(server: FastifyInstance, env: Pick<Env, "SESSION_KEYS" | "NODE_ENV">): Promise<void> {
  await server.register(secureSession, {
    key: env.SESSION_KEYS.map((hex) => Buffer.from(hex, "hex")),
    cookieName: SESSION_COOKIE,
    expiry: SESSION_MAX_AGE_SECONDS,
    cookie: {
      path: "/",
      httpOnly: true,
      secure: env.NODE_ENV === "production",
      sameSite: "lax",
      maxAge: SESSION_MAX_AGE_SECONDS,
    },
  });
  await server.register(csrfProtection, { sessionPlugin: "@fastify/secure-session" });
}
