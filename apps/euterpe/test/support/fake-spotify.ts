/**
 * A fake Spotify on a real loopback HTTP server: the accounts service
 * (/authorize, /api/token with both grants, invalid_grant for revoked
 * refresh tokens) and the Web API endpoints the dashboard reads, keyed by
 * access token. Like Spotify, /authorize remembers a browser's user (a
 * cookie) and sends a user who already approved the app straight back with
 * a code, unless `show_dialog=true` asks it to show the consent screen.
 * Tests steer it: expire or revoke a user's tokens, make the next call to a
 * path answer 429 with Retry-After or fail, slow an endpoint down.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeHttpServer, readBody } from "../kit/fake-server.js";
import { listeningData, paging, profileObject, type FakeUserProfile } from "./spotify-data.js";

export interface FakeSpotifyOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly users: readonly FakeUserProfile[];
}

interface AccessGrant {
  readonly userId: string;
  readonly expiresAtMs: number;
  revoked: boolean;
}

interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly grantType?: string;
  readonly userId?: string;
  /** For /authorize: its query. */
  readonly query?: Readonly<Record<string, string>>;
}

/** The fake's own login cookie, as accounts.spotify.com keeps one. */
export const FAKE_LOGIN_COOKIE = "fake_spotify_login";

export class FakeSpotify extends FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** Lifetime of access tokens issued from now on (Spotify's is 3600). */
  accessTokenLifetimeSeconds = 3600;
  /** Whether a refresh also hands out a new refresh token (Spotify sometimes does). */
  rotateRefreshTokens = false;

  readonly #options: FakeSpotifyOptions;
  readonly #codes = new Map<string, { userId: string; redirectUri: string }>();
  readonly #accessTokens = new Map<string, AccessGrant>();
  readonly #refreshTokens = new Map<string, { userId: string; revoked: boolean }>();
  readonly #rateLimits = new Map<string, number[]>();
  readonly #delays = new Map<string, number>();
  readonly #failures = new Map<string, number[]>();
  /** Users who approved the app (Spotify remembers this per user and app). */
  readonly #approved = new Set<string>();

  private constructor(options: FakeSpotifyOptions) {
    super();
    this.#options = options;
  }

  static async start(options: FakeSpotifyOptions): Promise<FakeSpotify> {
    const fake = new FakeSpotify(options);
    await fake.listen();
    return fake;
  }

  get url(): string {
    return this.origin;
  }

  /** The next `count` requests to `path` answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(path: string, retryAfterSeconds: number, count = 1): void {
    this.#rateLimits.set(path, [...(this.#rateLimits.get(path) ?? []), ...Array<number>(count).fill(retryAfterSeconds)]);
  }

  /** The next `count` requests to `path` answer with HTTP `status` (a 5xx outage, say). */
  failNext(path: string, status: number, count = 1): void {
    this.#failures.set(path, [...(this.#failures.get(path) ?? []), ...Array<number>(count).fill(status)]);
  }

  /** Calls for the user's listening data (top items, recently played, playlists; not the profile read at login) so far. */
  webApiCalls(userId: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path.startsWith("/v1/me/") && request.userId === userId);
  }

  /** Requests to `path` take `ms` longer from now on. */
  delay(path: string, ms: number): void {
    this.#delays.set(path, ms);
  }

  /** The user's access tokens stop working (Spotify answers 401) before their stated expiry. */
  invalidateAccessTokens(userId: string): void {
    for (const grant of this.#accessTokens.values()) if (grant.userId === userId) grant.revoked = true;
  }

  /** The user removed the app from their account: every refresh token of theirs is refused. */
  revokeRefreshTokens(userId: string): void {
    for (const grant of this.#refreshTokens.values()) if (grant.userId === userId) grant.revoked = true;
  }

  tokenRequests(grantType: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === "/api/token" && request.grantType === grantType);
  }

  /**
   * Plays the user's part at the consent screen: follows the app's
   * authorize URL as `userId` and returns the callback URL Spotify would
   * send the browser to.
   */
  async approve(authorizeUrl: string, userId: string): Promise<URL> {
    const url = new URL(authorizeUrl);
    url.searchParams.set("fake_user", userId);
    const response = await fetch(url, { redirect: "manual" });
    const location = response.headers.get("location");
    if (response.status !== 302 || !location) throw new Error(`fake /authorize answered ${response.status}`);
    return new URL(location);
  }

  protected override async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.origin);
    const body = await readBody(request);
    const form = new URLSearchParams(body);
    const grant = this.#grantFor(request);
    this.requests.push({
      method: request.method ?? "GET",
      path: url.pathname,
      ...(url.pathname === "/api/token" ? { grantType: form.get("grant_type") ?? "" } : {}),
      ...(grant ? { userId: grant.userId } : {}),
      ...(url.pathname === "/authorize" ? { query: Object.fromEntries(url.searchParams) } : {}),
    });

    const delayMs = this.#delays.get(url.pathname);
    if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));

    const retryAfter = this.#rateLimits.get(url.pathname)?.shift();
    if (retryAfter !== undefined) {
      return send(response, 429, { error: { status: 429, message: "API rate limit exceeded" } }, { "retry-after": String(retryAfter) });
    }
    const failure = this.#failures.get(url.pathname)?.shift();
    if (failure !== undefined) return send(response, failure, { error: { status: failure, message: "Service unavailable" } });

    if (request.method === "GET" && url.pathname === "/authorize") return this.#authorize(request, url, response);
    if (request.method === "POST" && url.pathname === "/api/token") return this.#token(request, form, response);
    if (request.method === "GET" && url.pathname.startsWith("/v1/")) return this.#webApi(request, url, response);
    return send(response, 404, { error: { status: 404, message: "Service not found" } });
  }

  #authorize(request: IncomingMessage, url: URL, response: ServerResponse): void {
    const query = url.searchParams;
    if (query.get("client_id") !== this.#options.clientId) return sendHtml(response, 400, "INVALID_CLIENT: Invalid client");
    if (query.get("response_type") !== "code") return sendHtml(response, 400, "unsupported_response_type");
    const redirectUri = query.get("redirect_uri");
    if (!redirectUri) return sendHtml(response, 400, "INVALID_CLIENT: Invalid redirect URI");
    const chosen = query.get("fake_user");
    const remembered = cookieValue(request, FAKE_LOGIN_COOKIE);
    // Spotify skips the consent screen for a logged-in user who approved the app, unless show_dialog=true.
    const skipDialog = remembered !== undefined && this.#approved.has(remembered) && query.get("show_dialog") !== "true";
    const userId = chosen ?? (skipDialog ? remembered : undefined);
    if (!userId) {
      // The consent screen: one link per user, for the browser test.
      const links = this.#options.users
        .map((user) => {
          const next = new URL(url);
          next.searchParams.set("fake_user", user.id);
          return `<li><a id="as-${user.id}" href="${next.pathname}${next.search.replaceAll("&", "&amp;")}">Continue as ${user.displayName}</a></li>`;
        })
        .join("");
      const deny = new URL(redirectUri);
      deny.searchParams.set("error", "access_denied");
      if (query.get("state") !== null) deny.searchParams.set("state", query.get("state") ?? "");
      return sendHtml(response, 200, `<h1 id="consent">Log in to Spotify</h1><ul>${links}</ul><a id="cancel" href="${deny.toString().replaceAll("&", "&amp;")}">Cancel</a>`);
    }
    this.#approved.add(userId);
    const target = new URL(redirectUri);
    const state = query.get("state");
    if (state !== null) target.searchParams.set("state", state);
    const code = token("code");
    this.#codes.set(code, { userId, redirectUri });
    target.searchParams.set("code", code);
    response.writeHead(302, { location: target.toString(), "set-cookie": `${FAKE_LOGIN_COOKIE}=${userId}; Path=/authorize; Max-Age=31536000; HttpOnly` });
    response.end();
  }

  #token(request: IncomingMessage, form: URLSearchParams, response: ServerResponse): void {
    const expected = `Basic ${Buffer.from(`${this.#options.clientId}:${this.#options.clientSecret}`).toString("base64")}`;
    if (request.headers.authorization !== expected) {
      return send(response, 400, { error: "invalid_client", error_description: "Invalid client secret" });
    }
    if (request.headers["content-type"] !== "application/x-www-form-urlencoded") {
      return send(response, 400, { error: "invalid_request", error_description: "Unsupported content type" });
    }
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") {
      const code = this.#codes.get(form.get("code") ?? "");
      this.#codes.delete(form.get("code") ?? "");
      if (!code) return send(response, 400, { error: "invalid_grant", error_description: "Invalid authorization code" });
      if (code.redirectUri !== form.get("redirect_uri")) return send(response, 400, { error: "invalid_grant", error_description: "Invalid redirect URI" });
      const refreshToken = token("refresh");
      this.#refreshTokens.set(refreshToken, { userId: code.userId, revoked: false });
      return send(response, 200, { ...this.#issueAccessToken(code.userId), refresh_token: refreshToken });
    }
    if (grantType === "refresh_token") {
      const presented = form.get("refresh_token") ?? "";
      const grant = this.#refreshTokens.get(presented);
      if (!grant || grant.revoked) return send(response, 400, { error: "invalid_grant", error_description: "Refresh token revoked" });
      const answer: Record<string, unknown> = this.#issueAccessToken(grant.userId);
      if (this.rotateRefreshTokens) {
        const next = token("refresh");
        this.#refreshTokens.set(next, { userId: grant.userId, revoked: false });
        answer.refresh_token = next;
      }
      return send(response, 200, answer);
    }
    return send(response, 400, { error: "unsupported_grant_type", error_description: `grant_type must be client_credentials, authorization_code or refresh_token` });
  }

  #issueAccessToken(userId: string) {
    const accessToken = token("access");
    this.#accessTokens.set(accessToken, { userId, expiresAtMs: Date.now() + this.accessTokenLifetimeSeconds * 1000, revoked: false });
    return {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: this.accessTokenLifetimeSeconds,
      scope: "user-read-recently-played user-top-read user-read-private user-read-email playlist-read-private playlist-read-collaborative",
    };
  }

  #grantFor(request: IncomingMessage): AccessGrant | undefined {
    const header = request.headers.authorization ?? "";
    return header.startsWith("Bearer ") ? this.#accessTokens.get(header.slice("Bearer ".length)) : undefined;
  }

  #webApi(request: IncomingMessage, url: URL, response: ServerResponse): void {
    const grant = this.#grantFor(request);
    if (!grant) return send(response, 401, { error: { status: 401, message: "Invalid access token" } });
    if (grant.revoked || grant.expiresAtMs <= Date.now()) return send(response, 401, { error: { status: 401, message: "The access token expired" } });
    const user = this.#options.users.find((candidate) => candidate.id === grant.userId);
    if (!user) return send(response, 403, { error: { status: 403, message: "User not registered in the Developer Dashboard" } });
    const data = listeningData(user);
    const limit = Number(url.searchParams.get("limit") ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) return send(response, 400, { error: { status: 400, message: "Invalid limit" } });
    switch (url.pathname) {
      case "/v1/me":
        return send(response, 200, profileObject(user));
      case "/v1/me/top/tracks":
      case "/v1/me/top/artists": {
        const timeRange = url.searchParams.get("time_range") ?? "medium_term";
        if (!["short_term", "medium_term", "long_term"].includes(timeRange)) {
          return send(response, 400, { error: { status: 400, message: "Invalid time range" } });
        }
        const items: readonly unknown[] = url.pathname.endsWith("tracks") ? data.topTracks : data.topArtists;
        return send(response, 200, paging(url.pathname.slice(3), items, limit));
      }
      case "/v1/me/player/recently-played":
        return send(response, 200, {
          items: data.recentlyPlayed.slice(0, limit),
          next: null,
          cursors: { after: "1764238260000", before: "1764151860000" },
          limit,
          href: `https://api.spotify.com/v1/me/player/recently-played?limit=${limit}`,
        });
      case "/v1/me/playlists":
        return send(response, 200, paging("/me/playlists", data.playlists, limit));
      default:
        return send(response, 404, { error: { status: 404, message: "Service not found" } });
    }
  }
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const pair of (request.headers.cookie ?? "").split(";")) {
    const [key, ...value] = pair.trim().split("=");
    if (key === name) return value.join("=");
  }
  return undefined;
}

function token(kind: string): string {
  return `${kind}-${randomBytes(18).toString("base64url")}`;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

function sendHtml(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  response.end(`<!doctype html><html><body>${body}</body></html>`);
}
