/**
 * Sign in with Threads and our own session (API.md): /login sends the
 * browser to Threads with a state bound to a short-lived cookie; /callback
 * checks it, swaps the code for a long-lived Threads token, stores it sealed
 * and starts a session; /refresh rotates the refresh token (a reused one
 * revokes its family); /logout ends the session.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { REFRESH_COOKIE, STATE_COOKIE, type SessionCookies } from "../auth/cookies.js";
import type { OriginPolicy } from "../auth/origins.js";
import type { RefreshFamilies } from "../auth/refresh-families.js";
import { InvalidToken, type SessionTokens } from "../auth/session-tokens.js";
import type { UserRepository } from "../data/users.js";
import { isDatabaseUnavailable } from "../shared/postgres.js";
import { HttpProblem } from "../shared/web/errors.js";
import { ThreadsError } from "../threads/http.js";
import type { ThreadsGraph } from "../threads/graph.js";
import type { ThreadsOAuth } from "../threads/oauth.js";

export const DEFAULT_RETURN_TO = "/dashboard";

export interface AuthRoutesOptions {
  readonly oauth: ThreadsOAuth;
  readonly graph: ThreadsGraph;
  readonly users: UserRepository;
  readonly families: RefreshFamilies;
  readonly tokens: SessionTokens;
  readonly cookies: SessionCookies;
  readonly origins: OriginPolicy;
  /** WEB_APP_URL: where sign-in returns. */
  readonly webAppUrl: string;
  readonly now: () => Date;
}

/** A path on the web app (`/dashboard?tab=replies`); anything else (`//evil.example`, `https://…`) is ignored. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 512) return DEFAULT_RETURN_TO;
  if (!/^\/(?![/\\])[^\s\\]*$/.test(value)) return DEFAULT_RETURN_TO;
  return value;
}

const callbackQuery = z.object({
  code: z.string().min(1).max(2048).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
});

function sameState(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const { oauth, graph, users, families, tokens, cookies, origins, webAppUrl, now } = options;

  const signInFailed = (reply: FastifyReply, error: "state_mismatch" | "access_denied" | "threads_unavailable") =>
    reply.header("cache-control", "no-store").redirect(`${webAppUrl}/signin?error=${error}`, 302);

  async function startSession(reply: FastifyReply, userId: string): Promise<Date> {
    const refreshRow = await families.start(userId);
    return issue(reply, userId, refreshRow.tokenId, refreshRow.familyId);
  }

  async function issue(reply: FastifyReply, userId: string, tokenId: string, familyId: string): Promise<Date> {
    const access = await tokens.signAccess(userId, familyId);
    const refresh = await tokens.signRefresh({ userId, tokenId, familyId });
    cookies.setSession(reply, access, refresh, now());
    return access.expiresAt;
  }

  app.get("/api/v1/auth/threads/login", async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const state = randomBytes(32).toString("base64url");
    cookies.setState(reply, await tokens.signState({ state, returnTo: safeReturnTo(query["return_to"]) }));
    return reply.header("cache-control", "no-store").redirect(oauth.authorizeUrl(state), 302);
  });

  app.get("/api/v1/auth/threads/callback", async (request, reply) => {
    const stateCookie = request.cookies[STATE_COOKIE];
    cookies.clearState(reply);
    const query = callbackQuery.safeParse(request.query);
    if (!query.success || !stateCookie) return signInFailed(reply, "state_mismatch");
    let expected;
    try {
      expected = await tokens.verifyState(stateCookie);
    } catch (error) {
      if (error instanceof InvalidToken) return signInFailed(reply, "state_mismatch");
      throw error;
    }
    if (!sameState(expected.state, query.data.state)) return signInFailed(reply, "state_mismatch");
    if (query.data.error !== undefined) {
      request.log.info({ threadsError: query.data.error }, "sign-in: Threads did not grant access");
      return signInFailed(reply, query.data.error === "access_denied" ? "access_denied" : "threads_unavailable");
    }
    if (query.data.code === undefined) return signInFailed(reply, "threads_unavailable");

    let user;
    try {
      const shortLived = await oauth.exchangeCode(query.data.code);
      const longLived = await oauth.exchangeForLongLived(shortLived);
      const profile = await graph.profile(longLived.accessToken);
      const expiresAt = new Date(now().getTime() + longLived.expiresInSeconds * 1000);
      user = await users.signedIn(profile, longLived.accessToken, expiresAt);
      await startSession(reply, user.id);
    } catch (error) {
      if (error instanceof ThreadsError) {
        request.log.warn({ err: error }, "sign-in: Threads failed");
        return signInFailed(reply, "threads_unavailable");
      }
      // The browser is on a top-level navigation back from Threads: send it to the web app's
      // outage page (503, Retry-After, a way to start again) rather than a JSON error.
      if (isDatabaseUnavailable(error)) {
        request.log.warn({ err: error }, "sign-in: database unavailable");
        return reply.header("cache-control", "no-store").redirect(`${webAppUrl}/unavailable?return_to=${encodeURIComponent("/signin")}`, 302);
      }
      throw error;
    }
    request.log.info({ userId: user.id }, "signed in");
    return reply.header("cache-control", "no-store").redirect(`${webAppUrl}${expected.returnTo}`, 302);
  });

  /** The refresh token's claims, or a 401 (cookies cleared). */
  async function presentedRefresh(request: FastifyRequest, reply: FastifyReply) {
    const token = request.cookies[REFRESH_COOKIE];
    if (!token) throw new HttpProblem(401, "unauthenticated", "Sign in with Threads to continue.");
    try {
      return await tokens.verifyRefresh(token);
    } catch (error) {
      if (!(error instanceof InvalidToken)) throw error;
      cookies.clearSession(reply);
      throw new HttpProblem(401, "unauthenticated", "Your session ended; sign in again.");
    }
  }

  app.post("/api/v1/auth/refresh", async (request, reply) => {
    origins.requireForCookieRequest(request);
    const claims = await presentedRefresh(request, reply);
    const outcome = await families.rotate(claims.tokenId, claims.familyId);
    if (outcome.kind === "reused") {
      request.log.warn({ userId: claims.userId, familyId: claims.familyId }, "refresh token reused: family revoked");
      cookies.clearSession(reply);
      throw new HttpProblem(401, "refresh_reused", "This session was used from somewhere else and has been ended for safety. Sign in again.");
    }
    if (outcome.kind === "invalid") {
      cookies.clearSession(reply);
      throw new HttpProblem(401, "unauthenticated", "Your session ended; sign in again.");
    }
    const expiresAt = await issue(reply, outcome.next.userId, outcome.next.tokenId, outcome.next.familyId);
    return reply.header("cache-control", "no-store").send({ expiresAt: expiresAt.toISOString() });
  });

  app.post("/api/v1/auth/logout", async (request, reply) => {
    origins.requireForCookieRequest(request);
    const token = request.cookies[REFRESH_COOKIE];
    if (token) {
      try {
        const claims = await tokens.verifyRefresh(token);
        await families.revokeFamily(claims.familyId);
      } catch (error) {
        if (!(error instanceof InvalidToken)) throw error;
      }
    }
    cookies.clearSession(reply);
    return reply.code(204).send();
  });
}
