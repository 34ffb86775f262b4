/**
 * The backfill against the fake Steam and real Postgres: the whole history
 * from cursor `*` to the end; stopped (SIGTERM) or failed part way and run
 * again, it continues from the stored cursor with nothing lost and nothing
 * stored twice; run for a finished game it ends at once; it refuses a game
 * not tracked and a second backfill of the same game at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrackedApps } from "../src/data/tracked-apps.js";
import { UpstreamUnavailable } from "../src/http/resilient-request.js";
import { BackfillRefused, runBackfill } from "../src/pipeline/backfill.js";
import type { SteamReviewsApi } from "../src/steam/reviews-api.js";
import { memoryLogger, startSuite, statsAgree, type Suite } from "./support/harness.js";
import { makeReviews } from "./support/review-data.js";

describe("backfill", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("backfill");
  });
  afterAll(async () => {
    await suite?.close();
  });

  const stored = async (appId: number) =>
    (await suite.db.query<{ id: string }>("SELECT recommendation_id::text AS id FROM reviews WHERE app_id = $1 ORDER BY 1", [appId])).rows.map((row) => row.id);
  const allIds = (appId: number, count: number) => makeReviews(appId, count).map((review) => review.recommendationid).sort();
  const app = async (appId: number) => (await new TrackedApps(suite.pool).get(appId))!;

  /** Steam as the backfill sees it, with a hook after each page. */
  const steamWith = (afterPage: (pageNumber: number) => void): SteamReviewsApi => {
    const real = suite.backfillDeps().steam;
    let pages = 0;
    return {
      page: async (appId: number, cursor: string, signal?: AbortSignal) => {
        const page = await real.page(appId, cursor, signal);
        afterPage(++pages);
        return page;
      },
    } as SteamReviewsApi;
  };

  it("pages from * to the end, logs progress per page, and hands over to the hourly fetch", async () => {
    const appId = 3228590;
    suite.steam.setApp(appId, "Dead Zone Rogue", makeReviews(appId, 250), { repeatAcrossPages: true });
    await suite.track(appId, "Dead Zone Rogue");
    const startedAt = new Date("2026-11-28T10:00:00Z");
    const { logger, lines } = memoryLogger();
    const outcome = await runBackfill(suite.backfillDeps({ logger, now: () => startedAt }), appId);

    expect(outcome).toMatchObject({ status: "complete", pagesThisRun: 4, progress: { state: "complete", pages: 4, stored: 250, skipped: 2, totalReported: 250 } });
    expect(await stored(appId)).toEqual(allIds(appId, 250));
    expect(suite.steam.reviewRequests(appId)[0]!.cursor).toBe("*");
    const progress = lines.filter((line) => line.msg === "backfill page stored");
    expect(progress.map((line) => [line.page, line.stored, line.skipped])).toEqual([
      [1, 100, 0],
      [2, 199, 1],
      [3, 250, 2],
      [4, 250, 2],
    ]);
    expect((await app(appId)).lastFetchedAt).toEqual(startedAt);

    const requests = suite.steam.reviewRequests(appId).length;
    expect(await runBackfill(suite.backfillDeps(), appId)).toMatchObject({ status: "already-complete" });
    expect(suite.steam.reviewRequests(appId)).toHaveLength(requests);
  });

  it("stopped after two pages (SIGTERM), run again: continues from the stored cursor, nothing lost or doubled", async () => {
    const appId = 2437170;
    suite.steam.setApp(appId, "SMITE 2", makeReviews(appId, 450));
    await suite.track(appId, "SMITE 2");
    const stop = new AbortController();
    const first = await runBackfill(suite.backfillDeps({ signal: stop.signal, steam: steamWith((page) => page === 2 && stop.abort()) }), appId);
    expect(first).toMatchObject({ status: "interrupted", pagesThisRun: 2, progress: { state: "in_progress", pages: 2, stored: 200 } });
    expect(await stored(appId)).toHaveLength(200);
    const cursorAfterTwo = (await app(appId)).backfill.cursor;
    expect(cursorAfterTwo).not.toBe("*");

    const before = suite.steam.reviewRequests(appId).length;
    const second = await runBackfill(suite.backfillDeps(), appId);
    expect(second).toMatchObject({ status: "complete", pagesThisRun: 4, progress: { pages: 6, stored: 450, skipped: 0 } });
    expect(suite.steam.reviewRequests(appId)[before]!.cursor).toBe(cursorAfterTwo);
    expect(await stored(appId)).toEqual(allIds(appId, 450));
  });

  it("Steam failing part way: the run fails naming Steam, what it stored stays, and the rerun finishes", async () => {
    const appId = 1145360;
    suite.steam.setApp(appId, "Hades", makeReviews(appId, 320));
    await suite.track(appId, "Hades");
    const steam = suite.steam;
    const failing = runBackfill(suite.backfillDeps({ steam: steamWith((page) => page === 2 && steam.failNext(...Array.from({ length: 5 }, () => ({ kind: 500 as const })))) }), appId);
    await expect(failing).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(await stored(appId)).toHaveLength(200);
    expect((await app(appId)).backfill).toMatchObject({ state: "in_progress", pages: 2 });

    expect(await runBackfill(suite.backfillDeps(), appId)).toMatchObject({ status: "complete", progress: { stored: 320, skipped: 0 } });
    expect(await stored(appId)).toEqual(allIds(appId, 320));
  });

  it("refuses a game that is not tracked, naming the fix, and skips one an admin deactivated", async () => {
    await expect(runBackfill(suite.backfillDeps(), 999)).rejects.toThrow(BackfillRefused);
    await expect(runBackfill(suite.backfillDeps(), 999)).rejects.toThrow(/not tracked: add it in \/admin or to the stack's trackedApps/);
    await suite.track(730, "Counter-Strike 2", { active: false });
    suite.steam.setApp(730, "Counter-Strike 2", makeReviews(730, 10));
    expect(await runBackfill(suite.backfillDeps(), 730)).toEqual({ status: "inactive" });
    expect(suite.steam.reviewRequests(730)).toHaveLength(0);
  });

  it("a second backfill of the same game while one runs is refused and changes nothing", async () => {
    const appId = 570;
    suite.steam.setApp(appId, "Dota 2", makeReviews(appId, 300));
    await suite.track(appId, "Dota 2");
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstPageDone: () => void = () => undefined;
    const paused = new Promise<void>((resolve) => (firstPageDone = resolve));
    const real = suite.backfillDeps().steam;
    let calls = 0;
    const slowSteam = {
      page: async (id: number, cursor: string, signal?: AbortSignal) => {
        const page = await real.page(id, cursor, signal);
        if (++calls === 1) {
          firstPageDone();
          await held;
        }
        return page;
      },
    } as SteamReviewsApi;
    const running = runBackfill(suite.backfillDeps({ steam: slowSteam }), appId);
    await paused;
    await expect(runBackfill(suite.backfillDeps(), appId)).rejects.toThrow(/another backfill of app 570 is running/);
    release();
    expect(await running).toMatchObject({ status: "complete", progress: { stored: 300 } });
  });

  it("keeps review_days equal to counts taken from the reviews themselves", async () => {
    const { fromDays, fromReviews } = await statsAgree(suite.db);
    expect(fromDays).toEqual(fromReviews);
  });
});
