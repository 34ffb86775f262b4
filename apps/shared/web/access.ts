/**
 * Cloudflare Access in front of admin paths. The app checks the
 * `Cf-Access-Jwt-Assertion` header itself: the herokuapp.com hostname reaches
 * the dyno without passing through Cloudflare, so Access alone guards nothing
 * there. Tokens are RS256, signed by the team's keys
 * (`<team domain>/cdn-cgi/access/certs`), issued by the team domain, for the
 * Access application's audience tag.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from "jose";
import { HttpProblem } from "./errors.js";

export const ACCESS_HEADER = "cf-access-jwt-assertion";

export interface AccessSettings {
  /** `https://<team>.cloudflareaccess.com` (CF_ACCESS_TEAM_DOMAIN). */
  readonly teamDomain: string | undefined;
  /** The Access application's audience tag (CF_ACCESS_AUD). */
  readonly audience: string | undefined;
  /** APP_ENV=development opens admin paths on a developer's machine only. */
  readonly development: boolean;
  /** The team's signing keys; tests give a local key set. @default fetched from the team domain (cached by jose) */
  readonly keys?: JWTVerifyGetKey;
}

/** Who Access let in. */
export interface AccessIdentity {
  readonly email: string | undefined;
  readonly subject: string | undefined;
}

export type AccessGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/**
 * A preHandler for admin routes: 403 without a valid Access token, the
 * identity on `request.accessIdentity` otherwise.
 */
export function accessGuard(settings: AccessSettings): AccessGuard {
  const { teamDomain, audience } = settings;
  const issuer = teamDomain?.replace(/\/+$/, "");
  const keys = issuer ? (settings.keys ?? createRemoteJWKSet(new URL(`${issuer}/cdn-cgi/access/certs`))) : undefined;
  return async (request) => {
    if (!issuer || !audience || !keys) {
      if (settings.development) return;
      throw new HttpProblem(403, "access_not_configured", "This page is behind Cloudflare Access, which is not configured for this app.");
    }
    const token = request.headers[ACCESS_HEADER];
    if (typeof token !== "string" || token === "") {
      throw new HttpProblem(403, "access_required", "This page is only for administrators signed in through Cloudflare Access.");
    }
    try {
      const { payload } = await jwtVerify(token, keys, { issuer, audience, algorithms: ["RS256"] });
      const email = typeof payload["email"] === "string" ? payload["email"] : undefined;
      request.accessIdentity = { email, subject: payload.sub };
    } catch {
      throw new HttpProblem(403, "access_denied", "Your Cloudflare Access sign-in is not valid for this page. Sign in again.");
    }
  };
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by accessGuard on admin routes. */
    accessIdentity?: AccessIdentity;
  }
}
