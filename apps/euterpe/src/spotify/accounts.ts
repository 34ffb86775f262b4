/**
 * Spotify's accounts service: the authorization URL and the token endpoint
 * (authorization code and refresh token grants).
 */
import { z } from "zod";
import { readJson, send, SpotifyUnavailable, type SpotifyHttpOptions } from "./http.js";

export interface SpotifyAppCredentials {
  readonly accountsUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scope: string;
}

/** What the token endpoint granted. */
export interface TokenGrant {
  readonly accessToken: string;
  /** Absent when a refresh keeps the previous refresh token. */
  readonly refreshToken: string | undefined;
  readonly expiresInSeconds: number;
  readonly scope: string | undefined;
  readonly tokenType: string;
}

/** The refresh token no longer works (the user revoked access or it was rotated away): log in again. */
export class RefreshTokenRevoked extends Error {
  constructor(readonly description: string) {
    super(`Spotify refused the refresh token: ${description}`);
    this.name = "RefreshTokenRevoked";
  }
}

/** The authorization code was unknown, used or expired, or the redirect URI did not match. */
export class AuthorizationCodeRejected extends Error {
  constructor(readonly description: string) {
    super(`Spotify refused the authorization code: ${description}`);
    this.name = "AuthorizationCodeRejected";
  }
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().default("Bearer"),
  expires_in: z.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

const errorAnswer = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

const ENDPOINT = "POST /api/token";

export class SpotifyAccounts {
  readonly #credentials: SpotifyAppCredentials;
  readonly #http: SpotifyHttpOptions;

  constructor(credentials: SpotifyAppCredentials, http: SpotifyHttpOptions) {
    this.#credentials = credentials;
    this.#http = http;
  }

  /**
   * Where /login/spotify sends the browser. `showDialog` makes Spotify ask
   * the user again even if they approved the app before (otherwise Spotify
   * redirects straight back).
   */
  authorizeUrl(state: string, options: { readonly showDialog?: boolean } = {}): string {
    const query = new URLSearchParams({
      client_id: this.#credentials.clientId,
      response_type: "code",
      redirect_uri: this.#credentials.redirectUri,
      scope: this.#credentials.scope,
      state,
    });
    if (options.showDialog) query.set("show_dialog", "true");
    return `${this.#credentials.accountsUrl}/authorize?${query.toString()}`;
  }

  async exchangeCode(code: string): Promise<TokenGrant> {
    const result = await this.#requestToken({ grant_type: "authorization_code", code, redirect_uri: this.#credentials.redirectUri });
    if ("rejected" in result) throw new AuthorizationCodeRejected(result.rejected);
    if (result.grant.refreshToken === undefined) throw new SpotifyUnavailable(ENDPOINT, 200, "no refresh token in the answer");
    return result.grant;
  }

  async refresh(refreshToken: string): Promise<TokenGrant> {
    const result = await this.#requestToken({ grant_type: "refresh_token", refresh_token: refreshToken });
    if ("rejected" in result) throw new RefreshTokenRevoked(result.rejected);
    return result.grant;
  }

  async #requestToken(form: Record<string, string>): Promise<{ grant: TokenGrant } | { rejected: string }> {
    const basic = Buffer.from(`${this.#credentials.clientId}:${this.#credentials.clientSecret}`).toString("base64");
    const response = await send(this.#http, ENDPOINT, `${this.#credentials.accountsUrl}/api/token`, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    if (response.ok) {
      const answer = await readJson(ENDPOINT, response, tokenAnswer);
      return {
        grant: {
          accessToken: answer.access_token,
          refreshToken: answer.refresh_token,
          expiresInSeconds: answer.expires_in,
          scope: answer.scope,
          tokenType: answer.token_type,
        },
      };
    }
    if (response.status === 400) {
      const answer = await readJson(ENDPOINT, response, errorAnswer);
      if (answer.error === "invalid_grant") return { rejected: answer.error_description ?? answer.error };
      throw new SpotifyUnavailable(ENDPOINT, 400, `${answer.error}${answer.error_description ? `: ${answer.error_description}` : ""}`);
    }
    await response.body?.cancel();
    throw new SpotifyUnavailable(ENDPOINT, response.status, `answered HTTP ${response.status}`);
  }
}
