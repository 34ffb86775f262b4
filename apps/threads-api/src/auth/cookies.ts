/**
 * The session cookies of API.md: `threads_access` and `threads_refresh`,
 * HttpOnly, Path=/, on SESSION_COOKIE_DOMAIN when set. Outside a
 * developer's plain-http machine they are Secure and SameSite=None, because
 * the front end on another subdomain calls with credentials. The OAuth state
 * cookie lives only for a sign-in and only on the auth paths.
 */
import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyReply } from "fastify";
import type { Env } from "../env.js";
import { OAUTH_STATE_TTL_SECONDS, type IssuedToken } from "./session-tokens.js";

export const ACCESS_COOKIE = "threads_access";
export const REFRESH_COOKIE = "threads_refresh";
export const STATE_COOKIE = "threads_oauth_state";
export const STATE_COOKIE_PATH = "/api/v1/auth/threads";

export class SessionCookies {
  readonly #base: CookieSerializeOptions;
  readonly #secure: boolean;

  constructor(env: Pick<Env, "APP_ENV" | "SESSION_COOKIE_DOMAIN">) {
    this.#secure = env.APP_ENV !== "development";
    this.#base = {
      path: "/",
      httpOnly: true,
      secure: this.#secure,
      sameSite: this.#secure ? "none" : "lax",
      ...(env.SESSION_COOKIE_DOMAIN ? { domain: env.SESSION_COOKIE_DOMAIN } : {}),
    };
  }

  setSession(reply: FastifyReply, access: IssuedToken, refresh: IssuedToken, now: Date): void {
    void reply.setCookie(ACCESS_COOKIE, access.token, { ...this.#base, maxAge: secondsUntil(access.expiresAt, now) });
    void reply.setCookie(REFRESH_COOKIE, refresh.token, { ...this.#base, maxAge: secondsUntil(refresh.expiresAt, now) });
  }

  clearSession(reply: FastifyReply): void {
    void reply.clearCookie(ACCESS_COOKIE, this.#base);
    void reply.clearCookie(REFRESH_COOKIE, this.#base);
  }

  /** Lax: it must come back with the top-level redirect from threads.net. Host-only. */
  setState(reply: FastifyReply, state: IssuedToken): void {
    void reply.setCookie(STATE_COOKIE, state.token, {
      path: STATE_COOKIE_PATH,
      httpOnly: true,
      secure: this.#secure,
      sameSite: "lax",
      maxAge: OAUTH_STATE_TTL_SECONDS,
    });
  }

  clearState(reply: FastifyReply): void {
    void reply.clearCookie(STATE_COOKIE, { path: STATE_COOKIE_PATH, httpOnly: true, secure: this.#secure, sameSite: "lax" });
  }
}

function secondsUntil(at: Date, now: Date): number {
  return Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000));
}
