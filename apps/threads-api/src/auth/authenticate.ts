/**
 * Who is calling: the access JWT from `Authorization: Bearer` or, failing
 * that, the `threads_access` cookie. The answer is computed once per request
 * (the rate limiter asks before the route does). An authenticated route also
 * checks that the token's sign-in has not ended (logout, refresh-token reuse,
 * account deleted), so a token that outlives its session is refused at once.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { HttpProblem } from "../shared/web/errors.js";
import { ACCESS_COOKIE } from "./cookies.js";
import type { OriginPolicy } from "./origins.js";
import { InvalidToken, type SessionTokens } from "./session-tokens.js";

export interface Caller {
  readonly userId: string;
  /** The sign-in (refresh family) the access token belongs to. */
  readonly familyId?: string | undefined;
  /** Cookies are ambient credentials and get the Origin check; a bearer token does not. */
  readonly via: "bearer" | "cookie";
}

type Identity = Caller | { readonly refused: InvalidToken["reason"] } | undefined;

/** Whether a sign-in is still open (RefreshFamilies). */
export interface SessionLiveness {
  isLive(familyId: string): Promise<boolean>;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set on authenticated routes by Authenticator.required. */
    caller?: Caller;
  }
}

export class Authenticator {
  readonly #identities = new WeakMap<FastifyRequest, Promise<Identity>>();

  constructor(
    private readonly tokens: SessionTokens,
    private readonly origins: OriginPolicy,
    private readonly sessions: SessionLiveness,
  ) {}

  /** The caller, if the request carries a valid access token. */
  async callerOf(request: FastifyRequest): Promise<Caller | undefined> {
    const identity = await this.#identify(request);
    return identity !== undefined && "userId" in identity ? identity : undefined;
  }

  /** preHandler of authenticated routes: 401 without a valid token, 403 for a cookie request from a foreign origin. */
  readonly required = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const identity = await this.#identify(request);
    if (identity === undefined) throw new HttpProblem(401, "unauthenticated", "Sign in with Threads to continue.");
    if ("refused" in identity) {
      throw identity.refused === "expired"
        ? new HttpProblem(401, "token_expired", "Your session expired; refresh it or sign in again.")
        : new HttpProblem(401, "unauthenticated", "Your session is not valid; sign in again.");
    }
    if (identity.familyId !== undefined && !(await this.sessions.isLive(identity.familyId))) {
      throw new HttpProblem(401, "unauthenticated", "This session has ended (signed out, or ended for safety); sign in again.");
    }
    if (identity.via === "cookie") this.origins.requireForCookieRequest(request);
    request.caller = identity;
  };

  #identify(request: FastifyRequest): Promise<Identity> {
    let identity = this.#identities.get(request);
    if (!identity) {
      identity = this.#verify(request);
      this.#identities.set(request, identity);
    }
    return identity;
  }

  async #verify(request: FastifyRequest): Promise<Identity> {
    const authorization = request.headers.authorization;
    const bearer = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length).trim() : undefined;
    const token = bearer || request.cookies[ACCESS_COOKIE];
    if (!token) return undefined;
    try {
      const claims = await this.tokens.verifyAccess(token);
      return { userId: claims.userId, familyId: claims.familyId, via: bearer ? "bearer" : "cookie" };
    } catch (error) {
      if (error instanceof InvalidToken) return { refused: error.reason };
      throw error;
    }
  }
}
