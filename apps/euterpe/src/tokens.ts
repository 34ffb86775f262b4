/**
 * Hands out a valid access token for a user: refreshes it when less than
 * two minutes remain, stores the refreshed grant at once, and ends the
 * user's login when Spotify refuses the refresh token or when no configured
 * key can read the stored tokens.
 */
import type { FastifyBaseLogger } from "fastify";
import { RefreshTokenRevoked, type SpotifyAccounts, type TokenGrant } from "./spotify/accounts.js";
import { UnreadableTokens, type TokenSet, type UserRepository } from "./users.js";

export const REFRESH_MARGIN_SECONDS = 120;

/** The user has no usable Spotify grant any more and must log in again. */
export class LoginRequired extends Error {
  constructor(readonly reason: string) {
    super(`login required: ${reason}`);
    this.name = "LoginRequired";
  }
}

export interface AccessTokenOptions {
  /** Refresh even if the token looks valid (Spotify just refused it). */
  readonly force?: boolean;
}

export class TokenService {
  readonly #users: UserRepository;
  readonly #accounts: SpotifyAccounts;
  readonly #nowSeconds: () => number;

  constructor(users: UserRepository, accounts: SpotifyAccounts, nowSeconds: () => number) {
    this.#users = users;
    this.#accounts = accounts;
    this.#nowSeconds = nowSeconds;
  }

  /** The tokens to store for a fresh grant. */
  tokensFromGrant(grant: TokenGrant, previous?: TokenSet): TokenSet {
    const refreshToken = grant.refreshToken ?? previous?.refreshToken;
    if (refreshToken === undefined) throw new Error("a grant without a refresh token can only update stored tokens");
    return {
      accessToken: grant.accessToken,
      refreshToken,
      expiresAt: this.#nowSeconds() + grant.expiresInSeconds,
      scope: grant.scope ?? previous?.scope ?? null,
      tokenType: grant.tokenType,
    };
  }

  async accessTokenFor(userId: string, log: FastifyBaseLogger, options: AccessTokenOptions = {}): Promise<string> {
    try {
      return await this.#accessToken(userId, log, options);
    } catch (error) {
      if (!(error instanceof UnreadableTokens)) throw error;
      // Once per row: the request that removed it says so; the row is gone for the next ones.
      if (error.cleared) log.warn({ userId }, "stored Spotify tokens cannot be decrypted with any ENCRYPTION_KEY; cleared them, the user logs in again");
      throw new LoginRequired("stored tokens unreadable");
    }
  }

  async #accessToken(userId: string, log: FastifyBaseLogger, options: AccessTokenOptions): Promise<string> {
    const stored = await this.#users.readTokens(userId);
    if (!stored) throw new LoginRequired("no Spotify tokens stored");
    if (!options.force && !this.#expiresSoon(stored)) return stored.accessToken;

    try {
      const current = await this.#users.replaceTokens(userId, async (locked) => {
        // Another request may have refreshed while this one waited for the lock.
        const alreadyRefreshed = locked.accessToken !== stored.accessToken && !this.#expiresSoon(locked);
        if (alreadyRefreshed) return null;
        log.info({ userId, forced: options.force === true }, "refreshing Spotify token");
        return this.tokensFromGrant(await this.#accounts.refresh(locked.refreshToken), locked);
      });
      if (!current) throw new LoginRequired("Spotify tokens were removed");
      return current.accessToken;
    } catch (error) {
      if (!(error instanceof RefreshTokenRevoked)) throw error;
      log.warn({ userId, reason: error.description }, "Spotify refused the refresh token; ending the login");
      await this.#users.deleteTokens(userId);
      throw new LoginRequired("refresh token revoked");
    }
  }

  #expiresSoon(tokens: TokenSet): boolean {
    return tokens.expiresAt - this.#nowSeconds() < REFRESH_MARGIN_SECONDS;
  }
}
