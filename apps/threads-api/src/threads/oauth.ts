/**
 * Threads sign-in (authorization code), then the swap of the one-hour token
 * for a long-lived one (60 days) and its refresh. The token endpoint answers
 * `{access_token, user_id}` without a token_type; the long-lived swap and the
 * refresh are GETs with `th_exchange_token` and `th_refresh_token`.
 */
import { z } from "zod";
import type { Env } from "../env.js";
import { requestJson, type HttpOptions } from "./http.js";

/** What the app asks the user to grant: profile and posts, replies, and the insights that give likes and views. */
export const THREADS_SCOPES = ["threads_basic", "threads_read_replies", "threads_manage_insights"] as const;

export interface ThreadsAppCredentials {
  readonly authorizeUrl: string;
  readonly apiBaseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

/** The app's credentials as the environment gives them. */
export function credentialsOf(
  env: Pick<Env, "THREADS_AUTHORIZE_URL" | "THREADS_API_BASE_URL" | "THREADS_CLIENT_ID" | "THREADS_CLIENT_SECRET" | "THREADS_REDIRECT_URI">,
): ThreadsAppCredentials {
  return {
    authorizeUrl: env.THREADS_AUTHORIZE_URL,
    apiBaseUrl: env.THREADS_API_BASE_URL,
    clientId: env.THREADS_CLIENT_ID,
    clientSecret: env.THREADS_CLIENT_SECRET,
    redirectUri: env.THREADS_REDIRECT_URI,
  };
}

export interface LongLivedToken {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
}

const shortLivedAnswer = z.object({
  access_token: z.string().min(1),
  // A number in Threads' answer, too large for a JS number: the profile's string id is used instead.
  user_id: z.union([z.number(), z.string()]).optional(),
});

const longLivedAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().int().positive(),
});

export class ThreadsOAuth {
  constructor(
    private readonly credentials: ThreadsAppCredentials,
    private readonly http: HttpOptions,
  ) {}

  /** Where /login sends the browser. */
  authorizeUrl(state: string): string {
    const url = new URL(this.credentials.authorizeUrl);
    url.searchParams.set("client_id", this.credentials.clientId);
    url.searchParams.set("redirect_uri", this.credentials.redirectUri);
    url.searchParams.set("scope", THREADS_SCOPES.join(","));
    url.searchParams.set("response_type", "code");
    url.searchParams.set("state", state);
    return url.toString();
  }

  /** The one-hour token for an authorization code. */
  async exchangeCode(code: string): Promise<string> {
    const body = new URLSearchParams({
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
      grant_type: "authorization_code",
      redirect_uri: this.credentials.redirectUri,
      code,
    });
    const answer = await requestJson(
      this.http,
      "POST /oauth/access_token",
      `${this.credentials.apiBaseUrl}/oauth/access_token`,
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() },
      shortLivedAnswer,
    );
    return answer.access_token;
  }

  /** A long-lived token (60 days) for a one-hour one. */
  async exchangeForLongLived(shortLivedToken: string): Promise<LongLivedToken> {
    const query = new URLSearchParams({ grant_type: "th_exchange_token", client_secret: this.credentials.clientSecret, access_token: shortLivedToken });
    const answer = await requestJson(this.http, "GET /access_token", `${this.credentials.apiBaseUrl}/access_token?${query.toString()}`, { method: "GET" }, longLivedAnswer);
    return { accessToken: answer.access_token, expiresInSeconds: answer.expires_in };
  }

  /** A fresh 60 days for a long-lived token at least a day old and not yet expired. */
  async refreshLongLived(longLivedToken: string): Promise<LongLivedToken> {
    const query = new URLSearchParams({ grant_type: "th_refresh_token", access_token: longLivedToken });
    const answer = await requestJson(
      this.http,
      "GET /refresh_access_token",
      `${this.credentials.apiBaseUrl}/refresh_access_token?${query.toString()}`,
      { method: "GET" },
      longLivedAnswer,
    );
    return { accessToken: answer.access_token, expiresInSeconds: answer.expires_in };
  }
}
