/**
 * Sessions live in an encrypted, signed cookie (no server-side store). The
 * cookie keys derive from SECRET_KEY and, during a rotation, from
 * SECRET_KEY_PREVIOUS: cookies under the previous key are still read and are
 * written back under the new one.
 */
import { hkdfSync } from "node:crypto";
import secureSession from "@fastify/secure-session";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Env } from "./env.js";

declare module "@fastify/secure-session" {
  interface SessionData {
    /** The logged-in user's id in the users table. */
    userId: string;
    /** The OAuth state /login sent to Spotify, checked once by /callback. */
    oauthState: string;
  }
}

export const SESSION_COOKIE = "euterpe_session";
/** How long a login lasts, across browser restarts. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/** A 32-byte secretbox key from a configured secret. */
export function sessionKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), "euterpe", "session-cookie-v1", 32));
}

export async function registerSession(
  app: FastifyInstance,
  env: Pick<Env, "SECRET_KEY" | "SECRET_KEY_PREVIOUS" | "NODE_ENV">,
): Promise<void> {
  const secrets = [env.SECRET_KEY, env.SECRET_KEY_PREVIOUS].filter((secret): secret is string => secret !== undefined);
  await app.register(secureSession, {
    key: secrets.map(sessionKey),
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
}

export function sessionUserId(request: FastifyRequest): string | undefined {
  const userId = request.session.get("userId");
  return typeof userId === "string" && userId !== "" ? userId : undefined;
}

/** Forgets the login (and any pending OAuth state); the cookie is cleared on the response. */
export function endSession(request: FastifyRequest): void {
  request.session.delete();
}
