/**
 * A person's session in an encrypted, signed cookie (no server-side store),
 * and CSRF tokens for their forms whose secret lives in that session. Keys
 * are listed newest first: the first encrypts, every one decrypts, so a key
 * rotation keeps sessions (and the forms people have open) valid. SameSite=Lax
 * alone does not stop CSRF: the apps of a stack share one site (subdomains of
 * the zone), and a sibling could post to us.
 */
import csrfProtection from "@fastify/csrf-protection";
import secureSession from "@fastify/secure-session";
import type { FastifyInstance } from "fastify";

export interface CookieSessionOptions {
  /** 32-byte secretbox keys, newest first. */
  readonly keys: readonly Buffer[];
  readonly cookieName: string;
  /** How long a session lasts, across browser restarts. */
  readonly maxAgeSeconds: number;
  /** Secure cookies need HTTPS; a developer's machine serves plain HTTP. */
  readonly secure: boolean;
}

/**
 * Registers the session (`request.session`) and CSRF protection bound to it:
 * routes check with `server.csrfProtection` and fill forms with `reply.generateCsrf()`.
 */
export async function registerCookieSession(server: FastifyInstance, options: CookieSessionOptions): Promise<void> {
  await server.register(secureSession, {
    key: [...options.keys],
    cookieName: options.cookieName,
    expiry: options.maxAgeSeconds,
    cookie: { path: "/", httpOnly: true, secure: options.secure, sameSite: "lax", maxAge: options.maxAgeSeconds },
  });
  await server.register(csrfProtection, { sessionPlugin: "@fastify/secure-session" });
}
