/**
 * A fake Steam store on a real loopback HTTP server, answering like the real
 * one: `/appreviews/<appid>?json=1` pages newest first with opaque cursors
 * that need URL-encoding (`+`, `/`, `=`), `query_summary` in full on the
 * first page only, an empty page at the end that hands back the cursor it was
 * given, `{"success":2}` for a query it refuses; `/api/appdetails?appids=<id>`
 * with `{"<id>":{"success":true,"data":{…}}}` or `{"<id>":{"success":false}}`.
 * Tests steer it: faults (429 with Retry-After, 5xx, a hang) for the next
 * requests, a review repeated on the next page, a cursor that gets stuck.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeHttpServer } from "../kit/fake-server.js";
import type { RawSteamReview } from "./review-data.js";

export interface Fault {
  /** HTTP status to answer with (429, 500, 502…), or `hang` (never answer). */
  readonly kind: number | "hang" | "html" | "success2";
  readonly retryAfter?: string;
}

export interface RecordedSteamRequest {
  readonly path: string;
  readonly appId: number;
  /** The cursor as Steam decodes it from the query string. */
  readonly cursor?: string;
  readonly params: Readonly<Record<string, string>>;
  /** The raw query string, to check the cursor was URL-encoded. */
  readonly rawQuery: string;
}

export interface AppBehaviour {
  /** The page after this one repeats its last review first (Steam does this). */
  repeatAcrossPages?: boolean;
  /** From this page on (1-based), Steam hands back the cursor it was given, with the same reviews. */
  stuckFromPage?: number;
}

/** Opaque, like Steam's: base64 with `+`, `/` and `=` in it. */
function cursorFor(appId: number, offset: number): string {
  return `AoJ4${Buffer.from(`${appId}:${offset}`).toString("base64")}+/w==`;
}

export class FakeSteam extends FakeHttpServer {
  readonly requests: RecordedSteamRequest[] = [];
  readonly #reviews = new Map<number, RawSteamReview[]>();
  readonly #names = new Map<number, string>();
  readonly #behaviour = new Map<number, AppBehaviour>();
  readonly #faults: Fault[] = [];
  readonly #hanging = new Set<ServerResponse>();
  /** Delay before each answer, in ms. */
  delayMs = 0;

  static async start(): Promise<FakeSteam> {
    const fake = new FakeSteam();
    await fake.listen();
    return fake;
  }

  get url(): string {
    return this.origin;
  }

  override async close(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    await super.close();
  }

  /** The app's reviews, newest first (filter=recent order), and its store name. */
  setApp(appId: number, name: string | undefined, reviews: readonly RawSteamReview[] = [], behaviour: AppBehaviour = {}): void {
    if (name !== undefined) this.#names.set(appId, name);
    this.#reviews.set(appId, [...reviews].sort((a, b) => b.timestamp_created - a.timestamp_created));
    this.#behaviour.set(appId, behaviour);
  }

  /** New reviews published since: they go to the front of the list. */
  publish(appId: number, reviews: readonly RawSteamReview[]): void {
    this.setApp(appId, undefined, [...reviews, ...(this.#reviews.get(appId) ?? [])], this.#behaviour.get(appId) ?? {});
  }

  /** The next requests (any path) answer with these faults, in order. */
  failNext(...faults: Fault[]): void {
    this.#faults.push(...faults);
  }

  reviewRequests(appId?: number): RecordedSteamRequest[] {
    return this.requests.filter((request) => request.path.startsWith("/appreviews/") && (appId === undefined || request.appId === appId));
  }

  protected override async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.origin);
    const params = Object.fromEntries(url.searchParams);
    const reviewsMatch = /^\/appreviews\/(\d+)$/.exec(url.pathname);
    const appId = Number(reviewsMatch?.[1] ?? params.appids ?? 0);
    this.requests.push({ path: url.pathname, appId, cursor: params.cursor, params, rawQuery: url.search });
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));

    const fault = this.#faults.shift();
    if (fault) return this.#fault(fault, response);
    if (reviewsMatch) return this.#reviewPage(appId, params, response);
    if (url.pathname === "/api/appdetails") return this.#appDetails(appId, response);
    send(response, 404, "<html><body>Not found</body></html>", "text/html");
  }

  #fault(fault: Fault, response: ServerResponse): void {
    if (fault.kind === "hang") {
      this.#hanging.add(response);
      return;
    }
    if (fault.kind === "html") return send(response, 200, "<html><body>Service Unavailable</body></html>", "text/html");
    if (fault.kind === "success2") return send(response, 200, JSON.stringify({ success: 2 }));
    const headers: Record<string, string> = fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {};
    send(response, fault.kind, fault.kind === 429 ? "" : "<html><body>Error</body></html>", "text/html", headers);
  }

  #reviewPage(appId: number, params: Record<string, string>, response: ServerResponse): void {
    // Parameters Steam would otherwise default differently (purchase_type=steam, filter=all).
    if (params.json !== "1" || params.filter !== "recent" || params.language !== "all" || params.purchase_type !== "all") {
      return send(response, 200, JSON.stringify({ success: 2 }));
    }
    const perPage = Math.min(100, Number(params.num_per_page ?? "20"));
    const all = this.#reviews.get(appId) ?? [];
    const behaviour = this.#behaviour.get(appId) ?? {};
    const cursor = params.cursor ?? "*";
    let offset = 0;
    if (cursor !== "*") {
      const match = /^AoJ4(.+)\+\/w==$/.exec(cursor);
      const decoded = match ? Buffer.from(match[1]!, "base64").toString() : "";
      const [cursorApp, cursorOffset] = decoded.split(":");
      // A cursor that did not survive the trip (not URL-encoded): Steam refuses it.
      if (Number(cursorApp) !== appId || cursorOffset === undefined) return send(response, 200, JSON.stringify({ success: 2 }));
      offset = Number(cursorOffset);
    }
    const pageNumber = Math.floor(offset / perPage) + 1;
    const stuck = behaviour.stuckFromPage !== undefined && pageNumber >= behaviour.stuckFromPage;
    let reviews = all.slice(offset, offset + perPage);
    const repeats = behaviour.repeatAcrossPages === true && offset > 0 && reviews.length > 0;
    if (repeats) reviews = [all[offset - 1]!, ...reviews.slice(0, perPage - 1)];
    const consumed = repeats ? reviews.length - 1 : reviews.length;
    const next = reviews.length === 0 || stuck ? cursor : cursorFor(appId, offset + consumed);
    const positive = all.filter((review) => review.voted_up).length;
    const summary =
      cursor === "*"
        ? {
            num_reviews: reviews.length,
            review_score: all.length === 0 ? 0 : 7,
            review_score_desc: all.length === 0 ? "No user reviews" : "Mostly Positive",
            total_positive: positive,
            total_negative: all.length - positive,
            total_reviews: all.length,
          }
        : { num_reviews: reviews.length };
    send(response, 200, JSON.stringify({ success: 1, query_summary: summary, reviews, cursor: next }));
  }

  #appDetails(appId: number, response: ServerResponse): void {
    const name = this.#names.get(appId);
    const entry = name === undefined ? { success: false } : { success: true, data: { type: "game", name, steam_appid: appId, required_age: 0, is_free: false } };
    send(response, 200, JSON.stringify({ [String(appId)]: entry }));
  }
}

function send(response: ServerResponse, status: number, body: string, type = "application/json", headers: Record<string, string> = {}): void {
  response.writeHead(status, { "content-type": `${type}; charset=utf-8`, ...headers });
  response.end(body);
}
