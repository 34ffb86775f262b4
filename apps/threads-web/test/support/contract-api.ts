/**
 * A stand-in for threads-api that speaks apps/threads-api/API.md and nothing
 * more, on 127.0.0.1: sign-in (skipping Threads), refresh with rotation and
 * reuse detection, logout, /me and its lists, delete, the Origin rule, and
 * switches to expire tokens or make the API unavailable. The browser test
 * runs against the real threads-api; this one lets the page tests reach every
 * branch quickly.
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface StubPost {
  readonly id: string;
  readonly text: string;
  readonly permalink: string | null;
  readonly publishedAt: string;
  readonly mediaType: string;
  readonly likes: number;
  readonly replies: number;
  readonly reposts: number;
  readonly quotes: number;
  readonly views: number;
  readonly engagementScore: number;
  readonly toxicity: number | null;
  readonly flagged: boolean;
}

export interface StubFlaggedReply {
  readonly id: string;
  readonly postId: string;
  readonly postText: string;
  readonly text: string;
  readonly username: string;
  readonly publishedAt: string;
  readonly toxicity: number;
  readonly categories: readonly string[];
}

export interface StubUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly profilePictureUrl: string | null;
  readonly createdAt: string;
  readonly lastIngestedAt: string | null;
  readonly posts: readonly StubPost[];
  readonly flagged: readonly StubFlaggedReply[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly cookie: string | undefined;
  readonly origin: string | undefined;
  readonly requestId: string | undefined;
}

const ACCESS = "threads_access";
const REFRESH = "threads_refresh";

function cookiesOf(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0) cookies.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
  }
  return cookies;
}

const sessionCookie = (name: string, value: string, maxAge: number) => `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;

export class ContractApi {
  readonly requests: RecordedRequest[] = [];
  /** Where sign-in returns to and the origin allowed to write (CORS_ALLOWED_ORIGINS / WEB_APP_URL). */
  webOrigin = "http://127.0.0.1:1";
  /** When set, every /api/v1/me… answer is this status (503 with Retry-After). */
  outage: number | undefined;

  private readonly users = new Map<string, StubUser>();
  private readonly accessTokens = new Map<string, { userId: string; expired: boolean; family: string }>();
  private readonly refreshTokens = new Map<string, { userId: string; used: boolean; family: string }>();
  private readonly revokedFamilies = new Set<string>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    users: readonly StubUser[],
  ) {
    for (const user of users) this.users.set(user.id, user);
  }

  static async start(users: readonly StubUser[]): Promise<ContractApi> {
    let api: ContractApi | undefined;
    const server = http.createServer((request, response) => {
      void api?.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = new ContractApi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, users);
    return api;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Every access token issued so far now answers 401 token_expired. */
  expireAccessTokens(): void {
    for (const token of this.accessTokens.values()) token.expired = true;
  }

  /** Cookies of a fresh session for `userId`, as the callback would set them. */
  signIn(userId: string): string[] {
    return this.issue(userId, randomUUID());
  }

  hasUser(userId: string): boolean {
    return this.users.has(userId);
  }

  private issue(userId: string, family: string): string[] {
    const access = `a.${randomUUID()}`;
    const refresh = `r.${randomUUID()}`;
    this.accessTokens.set(access, { userId, expired: false, family });
    this.refreshTokens.set(refresh, { userId, used: false, family });
    return [sessionCookie(ACCESS, access, 900), sessionCookie(REFRESH, refresh, 2_592_000)];
  }

  private cleared(): string[] {
    return [sessionCookie(ACCESS, "", 0), sessionCookie(REFRESH, "", 0)];
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    const method = request.method ?? "GET";
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    this.requests.push({ method, path: `${url.pathname}${url.search}`, cookie: header("cookie"), origin: header("origin"), requestId: header("x-request-id") });
    for await (const _chunk of request) {
      // drain
    }
    const json = (status: number, body: unknown, setCookies: string[] = [], extra: Record<string, string> = {}) => {
      response.writeHead(status, { "content-type": "application/json", ...(setCookies.length ? { "set-cookie": setCookies } : {}), ...extra });
      response.end(JSON.stringify(body));
    };
    const noContent = (setCookies: string[]) => {
      response.writeHead(204, { "set-cookie": setCookies });
      response.end();
    };
    const error = (status: number, code: string, extra: Record<string, string> = {}, setCookies: string[] = []) =>
      json(status, { error: code, message: `stub: ${code}` }, setCookies, extra);
    const cookies = cookiesOf(header("cookie"));
    const originAllowed = () => {
      const origin = header("origin");
      return origin === this.webOrigin || origin === this.url;
    };

    if (method === "GET" && url.pathname === "/health") return json(200, { status: "ok" });
    if (method === "GET" && url.pathname === "/api/v1/auth/threads/login") {
      // The stub has no Threads: the first user consents at once.
      const returnTo = url.searchParams.get("return_to") ?? "/dashboard";
      const [first] = this.users.keys();
      response.writeHead(302, { location: `${this.webOrigin}${returnTo.startsWith("/") ? returnTo : "/dashboard"}`, "set-cookie": first ? this.signIn(first) : [] });
      return void response.end();
    }
    if (method === "POST" && url.pathname === "/api/v1/auth/refresh") {
      if (!originAllowed()) return error(403, "origin_not_allowed");
      const token = this.refreshTokens.get(cookies.get(REFRESH) ?? "");
      // A refused refresh clears both cookies, as the API does.
      if (!token || this.revokedFamilies.has(token.family)) return error(401, "unauthenticated", {}, this.cleared());
      if (token.used) {
        this.revokedFamilies.add(token.family);
        return error(401, "refresh_reused", {}, this.cleared());
      }
      token.used = true;
      return json(200, { expiresAt: new Date(Date.now() + 900_000).toISOString() }, this.issue(token.userId, token.family));
    }
    if (method === "POST" && url.pathname === "/api/v1/auth/logout") {
      if (!originAllowed()) return error(403, "origin_not_allowed");
      const token = this.refreshTokens.get(cookies.get(REFRESH) ?? "");
      if (token) this.revokedFamilies.add(token.family);
      return noContent(this.cleared());
    }
    if (!url.pathname.startsWith("/api/v1/me")) return error(404, "not_found");

    if (this.outage !== undefined) return error(this.outage, "unavailable", { "retry-after": "7" });
    const access = this.accessTokens.get(cookies.get(ACCESS) ?? "");
    if (!access) return error(401, "unauthenticated");
    if (access.expired) return error(401, "token_expired");
    // An access token of an ended sign-in (logout, reuse) is refused before it expires.
    if (this.revokedFamilies.has(access.family)) return error(401, "unauthenticated");
    const user = this.users.get(access.userId);
    if (!user) return error(401, "unauthenticated");

    if (method === "DELETE" && url.pathname === "/api/v1/me") {
      if (!originAllowed()) return error(403, "origin_not_allowed");
      this.users.delete(user.id);
      return noContent(this.cleared());
    }
    if (method !== "GET") return error(405, "method_not_allowed");
    const page = Number(url.searchParams.get("page") ?? "1");
    const perPage = Number(url.searchParams.get("perPage") ?? "20");
    if (!Number.isInteger(page) || page < 1) return error(400, "invalid_page");
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return error(400, "invalid_perPage");
    const paged = <T>(items: readonly T[]) => ({ items: items.slice((page - 1) * perPage, page * perPage), page, perPage, total: items.length });

    switch (url.pathname) {
      case "/api/v1/me":
        return json(200, {
          id: user.id,
          username: user.username,
          displayName: user.displayName,
          profilePictureUrl: user.profilePictureUrl,
          createdAt: user.createdAt,
          lastIngestedAt: user.lastIngestedAt,
          counts: { posts: user.posts.length, flaggedReplies: user.flagged.length },
        });
      case "/api/v1/me/posts": {
        const sort = url.searchParams.get("sort") ?? "score";
        const order = url.searchParams.get("order") ?? "desc";
        const keys: Record<string, (post: StubPost) => number> = {
          score: (post) => post.engagementScore,
          recent: (post) => Date.parse(post.publishedAt),
          engagement: (post) => post.likes + post.replies + post.reposts + post.quotes,
        };
        const key = keys[sort];
        if (!key) return error(400, "invalid_sort");
        if (order !== "asc" && order !== "desc") return error(400, "invalid_order");
        const sorted = [...user.posts].sort((a, b) => (order === "desc" ? key(b) - key(a) : key(a) - key(b)));
        return json(200, paged(sorted));
      }
      case "/api/v1/me/replies/flagged":
        return json(200, paged([...user.flagged].sort((a, b) => b.toxicity - a.toxicity)));
      default:
        return error(404, "not_found");
    }
  }
}
