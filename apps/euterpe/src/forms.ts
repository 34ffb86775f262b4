/**
 * HTML forms: urlencoded bodies (within the server's body limit) and CSRF
 * tokens whose secret lives in the encrypted session cookie. SameSite=Lax
 * alone is not enough: the apps of a stack share one site (subdomains of
 * the zone), and a sibling could post to us.
 */
import csrfProtection from "@fastify/csrf-protection";
import formBody from "@fastify/formbody";
import type { FastifyInstance } from "fastify";

/** Registers after the session; routes protect themselves with `app.csrfProtection` and fill forms with `reply.generateCsrf()`. */
export async function registerForms(app: FastifyInstance): Promise<void> {
  await app.register(formBody);
  await app.register(csrfProtection, { sessionPlugin: "@fastify/secure-session" });
}
