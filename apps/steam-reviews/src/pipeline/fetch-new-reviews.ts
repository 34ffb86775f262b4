/**
 * The fetch stage for one game: pages Steam's reviews newest first until they
 * are older than what the last fetch saw, storing each page as it comes
 * (ON CONFLICT DO NOTHING), and moves `last_fetched_timestamp` to when this
 * fetch started only once every page is stored. A fetch that fails part way
 * moves nothing: the next run fetches those pages again, and the duplicates
 * are skipped.
 */
import type { Logger } from "pino";
import type pg from "pg";
import { storeReviews } from "../data/reviews.js";
import { TrackedApps, type TrackedApp } from "../data/tracked-apps.js";
import { throwIfStopped } from "../http/sleep.js";
import { FIRST_CURSOR, type SteamReviewsApi } from "../steam/reviews-api.js";

export interface FetchLimits {
  /** Reviews this much older than the last fetch are fetched again, for those Steam publishes late. @default 3600 */
  readonly overlapSeconds: number;
  /** Pages of a game's first fetch; its older history is the backfill's job. @default 5 */
  readonly firstFetchPages: number;
  /** A fetch that needs more pages than this stops and fails (Steam looping): nothing moves. @default 1000 */
  readonly maxPages: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { overlapSeconds: 3600, firstFetchPages: 5, maxPages: 1000 };

export type FetchEnd = "reached-last-fetch" | "last-page" | "repeated-cursor" | "first-fetch-limit";

export interface FetchReport {
  readonly appId: number;
  readonly pages: number;
  readonly stored: number;
  readonly skipped: number;
  readonly invalid: number;
  readonly end: FetchEnd;
}

export interface FetchDeps {
  readonly pool: pg.Pool;
  readonly steam: SteamReviewsApi;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly signal?: AbortSignal | undefined;
  readonly fetchLimits?: Partial<FetchLimits> | undefined;
}

export class FetchLoopError extends Error {
  constructor(appId: number, pages: number) {
    super(`Steam kept handing out new pages of app ${appId} past ${pages} pages; nothing was marked as fetched`);
    this.name = "FetchLoopError";
  }
}

export async function fetchNewReviews(deps: FetchDeps, app: TrackedApp): Promise<FetchReport> {
  const limits = { ...DEFAULT_FETCH_LIMITS, ...deps.fetchLimits };
  const startedAt = deps.now();
  const cutoffMs = app.lastFetchedAt ? app.lastFetchedAt.getTime() - limits.overlapSeconds * 1000 : undefined;
  const seen = new Set<string>([FIRST_CURSOR]);
  let cursor = FIRST_CURSOR;
  const totals = { pages: 0, stored: 0, skipped: 0, invalid: 0 };
  let end: FetchEnd | undefined;

  while (end === undefined) {
    throwIfStopped(deps.signal);
    if (totals.pages >= limits.maxPages) throw new FetchLoopError(app.appId, totals.pages);
    const page = await deps.steam.page(app.appId, cursor, deps.signal);
    const fresh = cutoffMs === undefined ? page.reviews : page.reviews.filter((review) => review.createdAt.getTime() >= cutoffMs);
    const { stored, skipped } = await storeReviews(deps.pool, fresh);
    totals.pages++;
    totals.stored += stored;
    totals.skipped += skipped;
    totals.invalid += page.invalid;
    deps.logger.debug({ appId: app.appId, page: totals.pages, stored, skipped, invalid: page.invalid }, "fetched a page of reviews");

    if (fresh.length < page.reviews.length) end = "reached-last-fetch";
    else if (page.reviews.length === 0 && page.invalid === 0) end = "last-page";
    else if (page.cursor === undefined || seen.has(page.cursor)) end = "repeated-cursor";
    else if (cutoffMs === undefined && totals.pages >= limits.firstFetchPages) end = "first-fetch-limit";
    else {
      seen.add(page.cursor);
      cursor = page.cursor;
    }
  }

  await new TrackedApps(deps.pool).markFetched(app.appId, startedAt);
  return { appId: app.appId, ...totals, end };
}
