/**
 * The Steam client against the fake store: the documented parameters, the
 * cursor URL-encoded, the answer's shape checked, and politeness — a pause
 * between requests, retries with backoff on 429/5xx/timeouts honouring
 * Retry-After, a refusal (`success: 2`) not retried.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UpstreamRejected, UpstreamUnavailable } from "../src/http/resilient-request.js";
import { FIRST_CURSOR } from "../src/steam/reviews-api.js";
import { PROFILES, steamApis } from "../src/services.js";
import { FakeSteam } from "./support/fake-steam.js";
import { instantClients } from "./support/harness.js";
import { makeReviews } from "./support/review-data.js";

describe("Steam's review list and store details", () => {
  let steam: FakeSteam;
  const APP = 3228590;

  beforeAll(async () => {
    steam = await FakeSteam.start();
    steam.setApp(APP, "Dead Zone Rogue", makeReviews(APP, 250));
  });
  afterAll(async () => {
    await steam?.close();
  });

  const apis = (waits: number[] = [], interval = "0") => steamApis({ STEAM_STORE_URL: steam.url, STEAM_REQUEST_INTERVAL_MS: Number(interval) }, PROFILES.job, instantClients(waits));

  it("asks for recent reviews in every language and purchase type, 100 a page, and follows the URL-encoded cursor", async () => {
    const { reviews } = apis();
    const first = await reviews.page(APP, FIRST_CURSOR);
    expect(first.reviews).toHaveLength(100);
    expect(first.totalReviews).toBe(250);
    expect(first.cursor).toMatch(/[+/=]/);
    const second = await reviews.page(APP, first.cursor!);
    expect(second.reviews).toHaveLength(100);
    expect(second.totalReviews).toBeUndefined();
    expect(second.reviews[0]!.createdAt.getTime()).toBeLessThan(first.reviews[99]!.createdAt.getTime());

    const [firstRequest, secondRequest] = steam.reviewRequests(APP).slice(-2);
    expect(firstRequest!.params).toMatchObject({ json: "1", filter: "recent", language: "all", review_type: "all", purchase_type: "all", num_per_page: "100", cursor: "*" });
    expect(secondRequest!.cursor).toBe(first.cursor);
    expect(secondRequest!.rawQuery).toContain(encodeURIComponent(first.cursor!));
  });

  it("maps Steam's fields: id, language, text, vote, playtimes in minutes, both timestamps", async () => {
    const page = await apis().reviews.page(APP, FIRST_CURSOR);
    const raw = makeReviews(APP, 250)[0]!;
    expect(page.reviews[0]).toEqual({
      recommendationId: raw.recommendationid,
      appId: APP,
      language: raw.language,
      text: raw.review,
      votedUp: raw.voted_up,
      playtimeForeverMinutes: raw.author.playtime_forever,
      playtimeAtReviewMinutes: raw.author.playtime_at_review,
      createdAt: new Date(raw.timestamp_created * 1000),
      updatedAt: new Date(raw.timestamp_updated * 1000),
    });
  });

  it("the end is an empty page handing back the same cursor", async () => {
    const { reviews } = apis();
    let cursor = FIRST_CURSOR;
    for (let page = 0; page < 3; page++) cursor = (await reviews.page(APP, cursor)).cursor!;
    const end = await reviews.page(APP, cursor);
    expect(end.reviews).toEqual([]);
    expect(end.cursor).toBe(cursor);
  });

  it("waits STEAM_REQUEST_INTERVAL_MS between requests", async () => {
    const waits: number[] = [];
    const { reviews } = apis(waits, "1000");
    await reviews.page(APP, FIRST_CURSOR);
    await reviews.page(APP, FIRST_CURSOR);
    await reviews.page(APP, FIRST_CURSOR);
    expect(waits).toHaveLength(2);
    for (const wait of waits) expect(wait).toBeGreaterThan(900);
  });

  it("retries 429 (waiting what Retry-After says) and 5xx; refuses an HTML page served in place of JSON", async () => {
    const waits: number[] = [];
    steam.failNext({ kind: 429, retryAfter: "7" }, { kind: 502 }, { kind: "html" });
    const before = steam.requests.length;
    // The HTML page arrives with status 200: not JSON, so the page is refused as invalid.
    await expect(apis(waits).reviews.page(APP, FIRST_CURSOR)).rejects.toThrow(/not JSON/);
    expect(steam.requests.length - before).toBe(3);
    expect(waits[0]).toBe(7_000);
    expect(waits[1]).toBeGreaterThanOrEqual(PROFILES.job.retry.baseDelayMs * 2);

    steam.failNext({ kind: 429 }, { kind: 503 });
    const page = await apis(waits).reviews.page(APP, FIRST_CURSOR);
    expect(page.reviews).toHaveLength(100);
  });

  it("gives up after its attempts with an error naming Steam and the last failure", async () => {
    steam.failNext(...Array.from({ length: PROFILES.job.retry.maxAttempts }, () => ({ kind: 500 as const })));
    const failure = apis().reviews.page(APP, FIRST_CURSOR);
    await expect(failure).rejects.toBeInstanceOf(UpstreamUnavailable);
    await expect(failure).rejects.toThrow(/Steam .*HTTP 500 after 5 attempts/);
  });

  it("does not wait for a Retry-After longer than it allows", async () => {
    const waits: number[] = [];
    steam.failNext({ kind: 429, retryAfter: "3600" });
    await expect(apis(waits).reviews.page(APP, FIRST_CURSOR)).rejects.toMatchObject({ name: "UpstreamUnavailable", retryAfterSeconds: 3600 });
    expect(waits).toEqual([]);
  });

  it("retries a request that hangs past its timeout", async () => {
    steam.failNext({ kind: "hang" });
    const clients = instantClients();
    const { reviews } = steamApis({ STEAM_STORE_URL: steam.url, STEAM_REQUEST_INTERVAL_MS: 0 }, PROFILES.job, { ...clients, profile: { timeoutMs: 300 } });
    const page = await reviews.page(APP, FIRST_CURSOR);
    expect(page.reviews).toHaveLength(100);
  });

  it("takes success 2 as a refusal, without retrying", async () => {
    steam.failNext({ kind: "success2" });
    const before = steam.requests.length;
    await expect(apis().reviews.page(APP, FIRST_CURSOR)).rejects.toBeInstanceOf(UpstreamRejected);
    expect(steam.requests.length - before).toBe(1);
  });

  it("looks a name up in the store, and says when Steam has no such app", async () => {
    const { store } = apis();
    expect(await store.lookUp(APP)).toEqual({ found: true, name: "Dead Zone Rogue" });
    expect(await store.lookUp(999_999)).toEqual({ found: false });
  });
});
