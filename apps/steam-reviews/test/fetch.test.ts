/**
 * The incremental fetch against the fake Steam and real Postgres: the first
 * fetch of a game takes its newest pages, later ones stop at what the last
 * fetch saw; `last_fetched_timestamp` moves only once every page is stored;
 * a review repeated across pages, a stuck cursor and an empty last page end
 * or pass cleanly; the per-day counts match the reviews.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TrackedApps } from "../src/data/tracked-apps.js";
import { UpstreamUnavailable } from "../src/http/resilient-request.js";
import { fetchNewReviews } from "../src/pipeline/fetch-new-reviews.js";
import { startSuite, statsAgree, type Suite } from "./support/harness.js";
import { BASE_TIME, makeReviews } from "./support/review-data.js";

describe("incremental fetch", () => {
  let suite: Suite;
  let nextApp = 100;

  beforeAll(async () => {
    suite = await startSuite("fetch");
  });
  afterAll(async () => {
    await suite?.close();
  });

  let appId: number;
  beforeEach(() => {
    appId = nextApp++;
  });

  const trackedApp = async () => (await new TrackedApps(suite.pool).get(appId))!;
  const storedIds = async () =>
    (await suite.db.query<{ id: string }>("SELECT recommendation_id::text AS id FROM reviews WHERE app_id = $1 ORDER BY 1", [appId])).rows.map((row) => row.id);

  it("first fetch: the newest pages only (history is the backfill's), then marks the game fetched as of its start", async () => {
    suite.steam.setApp(appId, "Game", makeReviews(appId, 450));
    await suite.track(appId, "Game");
    const startedAt = new Date("2026-11-28T12:00:00Z");
    const report = await fetchNewReviews(suite.pipelineDeps({ now: () => startedAt, fetchLimits: { firstFetchPages: 2 } }), await trackedApp());
    expect(report).toMatchObject({ pages: 2, stored: 200, skipped: 0, end: "first-fetch-limit" });
    expect((await trackedApp()).lastFetchedAt).toEqual(startedAt);
    expect(await storedIds()).toEqual(makeReviews(appId, 450).slice(0, 200).map((review) => review.recommendationid).sort());
  });

  it("later fetches page only down to the last fetch (with an hour's overlap), storing just the new reviews", async () => {
    const old = makeReviews(appId, 300, { newestAt: BASE_TIME, spacingSeconds: 600 });
    suite.steam.setApp(appId, "Game", old);
    await suite.track(appId, "Game", { lastFetchedAt: new Date((BASE_TIME + 60) * 1000) });
    // Steam publishes 150 newer reviews after our last fetch.
    const fresh = makeReviews(appId, 150, { newestAt: BASE_TIME + 150 * 600, spacingSeconds: 600, idBase: appId * 1000 + 5000 });
    suite.steam.publish(appId, fresh);
    const before = suite.steam.reviewRequests(appId).length;
    const now = new Date((BASE_TIME + 200 * 600) * 1000);
    const report = await fetchNewReviews(suite.pipelineDeps({ now: () => now }), await trackedApp());
    expect(suite.steam.reviewRequests(appId).length - before).toBe(2); // 150 new + the overlap hour: the second page reaches older ones
    expect(report.end).toBe("reached-last-fetch");
    // The new ones, and the older ones of the overlap hour before the last fetch (10 minutes apart: 6 of them).
    expect(report.stored).toBe(150 + 6);
    expect((await trackedApp()).lastFetchedAt).toEqual(now);

    // Nothing new: one page, nothing stored, and the time still moves on.
    const later = new Date(now.getTime() + 3_600_000);
    const again = await fetchNewReviews(suite.pipelineDeps({ now: () => later }), await trackedApp());
    expect(again).toMatchObject({ pages: 1, stored: 0, end: "reached-last-fetch" });
    expect((await trackedApp()).lastFetchedAt).toEqual(later);
  });

  it("a review repeated on the next page is stored once and counted as skipped; an empty last page ends the fetch", async () => {
    suite.steam.setApp(appId, "Game", makeReviews(appId, 250), { repeatAcrossPages: true });
    await suite.track(appId, "Game");
    const report = await fetchNewReviews(suite.pipelineDeps({ fetchLimits: { firstFetchPages: 10 } }), await trackedApp());
    expect(report).toMatchObject({ stored: 250, skipped: 2, end: "last-page" });
    expect(await storedIds()).toHaveLength(250);
  });

  it("a stuck cursor (Steam hands back the one it was given) ends the loop", async () => {
    suite.steam.setApp(appId, "Game", makeReviews(appId, 500), { stuckFromPage: 2 });
    await suite.track(appId, "Game");
    const report = await fetchNewReviews(suite.pipelineDeps({ fetchLimits: { firstFetchPages: 10 } }), await trackedApp());
    expect(report).toMatchObject({ pages: 2, stored: 200, skipped: 0, end: "repeated-cursor" });
  });

  it("a fetch that fails part way keeps the pages it stored but does not move last_fetched_timestamp; the next one completes", async () => {
    const lastFetchedAt = new Date((BASE_TIME - 400 * 3600) * 1000);
    suite.steam.setApp(appId, "Game", makeReviews(appId, 350));
    await suite.track(appId, "Game", { lastFetchedAt });
    // Page 1 answers; page 2 fails five times in a row (every attempt).
    const steam = suite.steam;
    const failing = fetchNewReviews(
      {
        ...suite.pipelineDeps(),
        steam: {
          page: async (id: number, cursor: string, signal?: AbortSignal) => {
            if (cursor !== "*") steam.failNext(...Array.from({ length: 5 }, () => ({ kind: 503 as const })));
            return suite.pipelineDeps().steam.page(id, cursor, signal);
          },
        } as never,
      },
      await trackedApp(),
    );
    await expect(failing).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(await storedIds()).toHaveLength(100);
    expect((await trackedApp()).lastFetchedAt).toEqual(lastFetchedAt);

    const report = await fetchNewReviews(suite.pipelineDeps(), await trackedApp());
    expect(report).toMatchObject({ stored: 250, skipped: 100, end: "last-page" });
    expect(await storedIds()).toHaveLength(350);
    expect((await trackedApp()).lastFetchedAt!.getTime()).toBeGreaterThan(lastFetchedAt.getTime());
  });

  it("keeps review_days equal to counts taken from the reviews themselves", async () => {
    const { fromDays, fromReviews } = await statsAgree(suite.db);
    expect(fromReviews.length).toBeGreaterThan(10);
    expect(fromDays).toEqual(fromReviews);
  });
});
