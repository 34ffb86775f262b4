/**
 * A fake Threads on a real loopback HTTP server, speaking the shapes of the
 * real one: the authorize page (a consent screen, or an automatic approval),
 * the code exchange (`{access_token, user_id}`), the long-lived swap
 * (`th_exchange_token`) and its refresh (`th_refresh_token`), and the Graph
 * API calls ingestion makes (`/v1.0/me`, `/v1.0/me/threads`,
 * `/v1.0/{id}/insights`, `/v1.0/{id}/replies`) with cursor paging. Errors
 * come as Graph errors: code 190 for a bad token, 4 and 17 for rate limits.
 * Tests steer it: rate-limit or fail the next calls, expire tokens, move
 * its clock.
 *
 * Self-contained on purpose (nothing from test/kit): fake-threads-cli ships
 * it to other apps' tests, and threads-web runs it from a copy of threads-api
 * and apps/shared alone.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakePost, FakeThreadsUser } from "./threads-data.js";

export interface FakeThreadsOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly users: FakeThreadsUser[];
  /** Approve as this username without showing the consent page (browser tests). */
  readonly autoApprove?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
}

interface Grant {
  readonly userId: string;
  readonly kind: "short" | "long";
  readonly issuedAtMs: number;
  expiresAtMs: number;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly grantType?: string;
  readonly userId?: string;
}

interface InjectedFailure {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

const SHORT_LIVED_SECONDS = 3_600;
export const LONG_LIVED_SECONDS = 5_184_000;
const PAGE_LIMIT_MAX = 100;

function graphError(message: string, code: number, extra: Record<string, unknown> = {}) {
  return { error: { message, type: "OAuthException", code, ...extra, fbtrace_id: randomBytes(8).toString("base64url") } };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class FakeThreads {
  readonly requests: RecordedRequest[] = [];
  /** Long-lived tokens issued from now on last this long. */
  longLivedSeconds = LONG_LIVED_SECONDS;
  readonly #options: FakeThreadsOptions;
  readonly #server: Server;
  readonly #codes = new Map<string, { userId: string; redirectUri: string; used: boolean }>();
  readonly #grants = new Map<string, Grant>();
  readonly #failures = new Map<string, InjectedFailure[]>();
  readonly #delays = new Map<string, number>();
  #clockOffsetMs = 0;
  #url = "";

  private constructor(options: FakeThreadsOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => this.#json(response, 500, graphError(`fake failed: ${String(error)}`, 1)));
    });
  }

  static async start(options: FakeThreadsOptions): Promise<FakeThreads> {
    const fake = new FakeThreads(options);
    await new Promise<void>((resolve) => fake.#server.listen(options.port ?? 0, "127.0.0.1", resolve));
    fake.#url = `http://127.0.0.1:${(fake.#server.address() as AddressInfo).port}`;
    return fake;
  }

  get url(): string {
    return this.#url;
  }

  /** Where THREADS_AUTHORIZE_URL points. */
  get authorizeUrl(): string {
    return `${this.#url}/oauth/authorize`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The fake's clock: tokens expire and become refreshable by it. */
  now(): number {
    return Date.now() + this.#clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.#clockOffsetMs += ms;
  }

  user(username: string): FakeThreadsUser {
    const user = this.#options.users.find((candidate) => candidate.username === username);
    if (!user) throw new Error(`no fake user ${username}`);
    return user;
  }

  /** The next `count` calls to a path (`/v1.0/me/threads`, `/oauth/access_token`…; `*` for any) answer a Graph rate limit. */
  rateLimitNext(path: string, options: { code?: 4 | 17; status?: number; retryAfterSeconds?: number; count?: number } = {}): void {
    const code = options.code ?? 4;
    const message = code === 4 ? "Application request limit reached" : "User request limit reached";
    this.#inject(path, options.count ?? 1, {
      status: options.status ?? 400,
      body: graphError(message, code, { is_transient: true }),
      headers: options.retryAfterSeconds !== undefined ? { "retry-after": String(options.retryAfterSeconds) } : {},
    });
  }

  /** The next `count` calls to a path answer `status` (a 5xx outage). */
  failNext(path: string, status = 500, count = 1): void {
    this.#inject(path, count, { status, body: graphError("An unexpected error has occurred. Please retry your request later.", 2, { is_transient: true }), headers: {} });
  }

  /** The next call to a path answers a Graph permission error (the user did not grant a scope). */
  refuseNext(path: string, code = 10): void {
    this.#inject(path, 1, { status: 403, body: graphError("Application does not have permission for this action", code), headers: {} });
  }

  /** Calls to a path take `ms` longer from now on (0 to stop). */
  delay(path: string, ms: number): void {
    this.#delays.set(path, ms);
  }

  /** Every token of the user stops working (as if revoked or expired). */
  revokeTokensOf(username: string): void {
    const userId = this.user(username).id;
    for (const grant of this.#grants.values()) if (grant.userId === userId) grant.expiresAtMs = 0;
  }

  /** Whether a token is one the fake issued and still honours. */
  isValid(token: string): boolean {
    const grant = this.#grants.get(token);
    return grant !== undefined && grant.expiresAtMs > this.now();
  }

  /** Issues a long-lived token directly (for tests that start with a signed-in user). */
  issueLongLived(username: string): { accessToken: string; expiresAt: Date } {
    const token = this.#issue(this.user(username).id, "long");
    return { accessToken: token, expiresAt: new Date(this.#grants.get(token)!.expiresAtMs) };
  }

  /** The URL the authorize page would send the browser back to, approving as `username`. */
  approve(authorizeUrl: string, username: string): URL {
    const params = new URL(authorizeUrl).searchParams;
    const redirectUri = params.get("redirect_uri") ?? "";
    const code = randomBytes(24).toString("base64url");
    this.#codes.set(code, { userId: this.user(username).id, redirectUri, used: false });
    const back = new URL(redirectUri);
    back.searchParams.set("code", code);
    back.searchParams.set("state", params.get("state") ?? "");
    return back;
  }

  /** The URL the authorize page sends back when the user cancels. */
  deny(authorizeUrl: string): URL {
    const params = new URL(authorizeUrl).searchParams;
    const back = new URL(params.get("redirect_uri") ?? "");
    back.searchParams.set("error", "access_denied");
    back.searchParams.set("error_reason", "user_denied");
    back.searchParams.set("error_description", "Permissions error");
    back.searchParams.set("state", params.get("state") ?? "");
    return back;
  }

  #inject(path: string, count: number, failure: InjectedFailure): void {
    this.#failures.set(path, [...(this.#failures.get(path) ?? []), ...Array<InjectedFailure>(count).fill(failure)]);
  }

  #takeFailure(path: string): InjectedFailure | undefined {
    for (const key of [path, "*"]) {
      const queue = this.#failures.get(key);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  #issue(userId: string, kind: Grant["kind"]): string {
    const token = `TH${kind === "long" ? "LL" : "SL"}${randomBytes(24).toString("base64url")}`;
    const lifetime = kind === "long" ? this.longLivedSeconds : SHORT_LIVED_SECONDS;
    this.#grants.set(token, { userId, kind, issuedAtMs: this.now(), expiresAtMs: this.now() + lifetime * 1000 });
    return token;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.#url);
    const path = url.pathname;
    const form = request.method === "POST" ? new URLSearchParams(await readBody(request)) : new URLSearchParams();
    const params = (name: string) => url.searchParams.get(name) ?? form.get(name) ?? undefined;
    const grantType = params("grant_type");
    this.requests.push({ method: request.method ?? "GET", path, ...(grantType ? { grantType } : {}) });

    if (request.method === "GET" && path === "/oauth/authorize") return this.#authorize(url, response);
    if (request.method === "GET" && path === "/oauth/authorize/decide") return this.#decide(url, response);

    const delay = this.#delays.get(path) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = this.#takeFailure(path);
    if (failure) return this.#json(response, failure.status, failure.body, failure.headers);

    if (request.method === "POST" && path === "/oauth/access_token") return this.#exchangeCode(form, response);
    if (request.method === "GET" && path === "/access_token") return this.#exchangeLongLived(url, response);
    if (request.method === "GET" && path === "/refresh_access_token") return this.#refresh(url, response);
    if (request.method === "GET" && path.startsWith("/v1.0/")) return this.#graph(request, url, response);
    return this.#json(response, 404, graphError(`Unknown path components: ${path}`, 2500));
  }

  #authorize(url: URL, response: ServerResponse): void {
    const params = url.searchParams;
    const problems = [
      params.get("client_id") !== this.#options.clientId && "client_id is not this app's",
      params.get("response_type") !== "code" && "response_type must be code",
      !(params.get("scope") ?? "").split(",").includes("threads_basic") && "scope must include threads_basic",
      !params.get("redirect_uri") && "redirect_uri is missing",
    ].filter(Boolean);
    if (problems.length > 0) {
      response.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
      response.end(`Invalid request: ${problems.join("; ")}`);
      return;
    }
    if (this.#options.autoApprove) return this.#redirect(response, this.approve(url.toString(), this.#options.autoApprove));
    const decide = (choice: string) => {
      const target = new URL("/oauth/authorize/decide", this.#url);
      for (const [key, value] of params) target.searchParams.set(key, value);
      target.searchParams.set("choice", choice);
      return escapeHtml(target.pathname + target.search);
    };
    const buttons = this.#options.users.map((user) => `<p><a class="allow" href="${decide(user.username)}">Continue as @${escapeHtml(user.username)}</a></p>`).join("\n");
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(
      `<!doctype html><html><head><meta charset="utf-8"><title>Fake Threads: allow access?</title></head><body><h1>Allow access to your Threads profile?</h1>${buttons}<p><a class="deny" href="${decide("")}">Cancel</a></p></body></html>`,
    );
  }

  #decide(url: URL, response: ServerResponse): void {
    const choice = url.searchParams.get("choice") ?? "";
    url.searchParams.delete("choice");
    return this.#redirect(response, choice === "" ? this.deny(url.toString()) : this.approve(url.toString(), choice));
  }

  #exchangeCode(form: URLSearchParams, response: ServerResponse): void {
    const code = form.get("code") ?? "";
    const issued = this.#codes.get(code);
    const credentialsOk = form.get("client_id") === this.#options.clientId && form.get("client_secret") === this.#options.clientSecret;
    if (!credentialsOk) return this.#json(response, 400, { error_type: "OAuthException", code: 400, error_message: "Invalid platform app" });
    if (form.get("grant_type") !== "authorization_code" || !issued || issued.used || issued.redirectUri !== form.get("redirect_uri")) {
      return this.#json(response, 400, { error_type: "OAuthException", code: 400, error_message: "Invalid authorization code" });
    }
    issued.used = true;
    // Threads sends user_id as a JSON number.
    const body = `{"access_token":${JSON.stringify(this.#issue(issued.userId, "short"))},"user_id":${issued.userId}}`;
    response.writeHead(200, { "content-type": "application/json" });
    response.end(body);
  }

  #exchangeLongLived(url: URL, response: ServerResponse): void {
    const params = url.searchParams;
    const grant = this.#grants.get(params.get("access_token") ?? "");
    if (params.get("grant_type") !== "th_exchange_token") return this.#json(response, 400, graphError("Unsupported grant_type", 100));
    if (params.get("client_secret") !== this.#options.clientSecret) return this.#json(response, 400, graphError("Error validating client secret.", 1));
    if (!grant || grant.kind !== "short" || grant.expiresAtMs <= this.now()) return this.#json(response, 400, graphError("Error validating access token: Session has expired.", 190, { error_subcode: 463 }));
    const token = this.#issue(grant.userId, "long");
    return this.#json(response, 200, { access_token: token, token_type: "bearer", expires_in: this.longLivedSeconds });
  }

  #refresh(url: URL, response: ServerResponse): void {
    const params = url.searchParams;
    const grant = this.#grants.get(params.get("access_token") ?? "");
    if (params.get("grant_type") !== "th_refresh_token") return this.#json(response, 400, graphError("Unsupported grant_type", 100));
    if (!grant || grant.kind !== "long" || grant.expiresAtMs <= this.now()) return this.#json(response, 400, graphError("Error validating access token: Session has expired.", 190, { error_subcode: 463 }));
    if (this.now() - grant.issuedAtMs < 24 * 3_600_000) return this.#json(response, 400, graphError("Long-lived tokens can be refreshed once they are at least 24 hours old.", 100));
    const token = this.#issue(grant.userId, "long");
    return this.#json(response, 200, { access_token: token, token_type: "bearer", expires_in: this.longLivedSeconds });
  }

  #graph(request: IncomingMessage, url: URL, response: ServerResponse): void {
    const authorization = request.headers.authorization;
    const token = url.searchParams.get("access_token") ?? (authorization?.startsWith("Bearer ") ? authorization.slice(7) : "");
    const grant = this.#grants.get(token);
    if (!grant || grant.expiresAtMs <= this.now()) {
      return this.#json(response, 400, graphError("Error validating access token: Session has expired.", 190, { error_subcode: 463 }));
    }
    const user = this.#options.users.find((candidate) => candidate.id === grant.userId);
    if (!user) return this.#json(response, 400, graphError("The user is gone.", 190));
    const last = this.requests.at(-1);
    if (last) this.requests[this.requests.length - 1] = { ...last, userId: user.id };
    const segments = url.pathname.split("/").slice(2);

    if (segments.join("/") === "me") {
      return this.#json(response, 200, {
        id: user.id,
        username: user.username,
        name: user.name,
        ...(user.pictureUrl ? { threads_profile_picture_url: user.pictureUrl } : {}),
      });
    }
    if (segments.join("/") === "me/threads") {
      const since = Number(url.searchParams.get("since") ?? 0) * 1000;
      const posts = [...user.posts].filter((post) => post.timestamp.getTime() >= since).sort((a, b) => b.timestamp.getTime() - a.timestamp.getTime());
      return this.#page(url, response, posts.map(postObject));
    }
    const [mediaId, edge] = segments;
    const post = user.posts.find((candidate) => candidate.id === mediaId);
    if (!post || segments.length !== 2) return this.#json(response, 400, graphError(`Unsupported get request. Object with ID '${mediaId ?? ""}' does not exist`, 100, { error_subcode: 33 }));
    if (edge === "insights") {
      const metrics = (url.searchParams.get("metric") ?? "").split(",").filter(Boolean);
      return this.#json(response, 200, {
        data: metrics.map((name) => ({
          name,
          period: "lifetime",
          values: [{ value: post.metrics[name as keyof FakePost["metrics"]] ?? 0 }],
          title: name,
          id: `${post.id}/insights/${name}/lifetime`,
        })),
      });
    }
    if (edge === "replies") {
      return this.#page(
        url,
        response,
        post.replies.map((reply) => ({ id: reply.id, text: reply.text, username: reply.username, timestamp: graphTime(reply.timestamp) })),
      );
    }
    return this.#json(response, 400, graphError(`Unknown edge ${edge ?? ""}`, 100));
  }

  /** Graph's cursor paging: `paging.cursors.after`, and `paging.next` only when there is another page. */
  #page(url: URL, response: ServerResponse, items: readonly object[]): void {
    const limit = Math.min(PAGE_LIMIT_MAX, Math.max(1, Number(url.searchParams.get("limit") ?? 25)));
    const after = url.searchParams.get("after");
    const start = after ? Number(Buffer.from(after, "base64url").toString("utf8")) : 0;
    const data = items.slice(start, start + limit);
    const end = start + data.length;
    const cursor = (offset: number) => Buffer.from(String(offset)).toString("base64url");
    const next = new URL(url);
    next.searchParams.set("after", cursor(end));
    next.searchParams.delete("access_token");
    return this.#json(response, 200, {
      data,
      ...(data.length > 0 ? { paging: { cursors: { before: cursor(start), after: cursor(end) }, ...(end < items.length ? { next: next.toString() } : {}) } } : {}),
    });
  }

  #redirect(response: ServerResponse, location: URL): void {
    response.writeHead(302, { location: location.toString() });
    response.end();
  }

  #json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    response.end(JSON.stringify(body));
  }
}

/** Graph's timestamp format: `2024-05-01T12:00:00+0000`. */
export function graphTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "+0000");
}

function postObject(post: FakePost) {
  return {
    id: post.id,
    media_type: post.mediaType,
    text: post.text,
    ...(post.permalink ? { permalink: post.permalink } : {}),
    timestamp: graphTime(post.timestamp),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => resolve(body));
    request.on("error", reject);
  });
}
